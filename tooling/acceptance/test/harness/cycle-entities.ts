/**
 * Three entities that import each other in a cycle (customer → order → line item → customer), as
 * app sources: the relations suite runs them on a URL and the embedded-default suite on `.dazzle/`.
 */
export const CUSTOMER = `import { Column, Entity, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { LineItem } from './line-item';
import { Order } from './order';

@Entity('customer')
export class Customer {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  name: string;

  @OneToMany(() => Order, (order) => order.customer)
  orders: Order[];

  @ManyToOne(() => LineItem, { nullable: true })
  favourite: LineItem | null;
}
`;

export const ORDER = `import { Column, Entity, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Customer } from './customer';
import { LineItem } from './line-item';

@Entity('order')
export class Order {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  placedAt: Date;

  @ManyToOne(() => Customer, (customer) => customer.orders)
  customer: Customer;

  @OneToMany(() => LineItem, (line) => line.order)
  lines: LineItem[];
}
`;

export const LINE_ITEM = `import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Order } from './order';

@Entity('line_item')
export class LineItem {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  quantity: number;

  @ManyToOne(() => Order, (order) => order.lines)
  order: Order;
}
`;
