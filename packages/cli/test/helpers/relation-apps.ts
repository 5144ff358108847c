/**
 * Entity files that import each other, as an app author writes a relation across files: each side
 * names the other in a property type, so decorator metadata reads the other class while the
 * import cycle is still being evaluated.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempApp } from './temp-app';

export const PROJECT_TASK: Record<string, string> = {
  'project.ts': `import { Column, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Task } from './task';

@Entity('project')
export class Project {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  name: string;

  @Column()
  archived: boolean;

  @OneToMany(() => Task, (task) => task.project)
  tasks: Task[];
}
`,
  'task.ts': `import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Project } from './project';

@Entity('task')
export class Task {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  title: string;

  @Column()
  estimate: number;

  @ManyToOne(() => Project, (project) => project.tasks, { onDelete: 'CASCADE' })
  project: Project;
}
`,
};

/** customer.ts → order.ts → line-item.ts → customer.ts */
export const CUSTOMER_ORDER_LINE_ITEM: Record<string, string> = {
  'customer.ts': `import { Column, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Order } from './order';

@Entity('customer')
export class Customer {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  email: string;

  @OneToMany(() => Order, (order) => order.customer)
  orders: Order[];
}
`,
  'order.ts': `import { Column, Entity, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
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

  @OneToMany(() => LineItem, (item) => item.order)
  lineItems: LineItem[];
}
`,
  'line-item.ts': `import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Customer } from './customer';
import { Order } from './order';

@Entity('line_item')
export class LineItem {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  quantity: number;

  @ManyToOne(() => Order, (order) => order.lineItems)
  order: Order;

  @ManyToOne(() => Customer)
  customer: Customer;
}
`,
};

/**
 * A temp app whose config imports the entity files in `importOrder` (file names without `.ts`)
 * and lists `classes` as its entities.
 */
export function createRelationApp(
  files: Record<string, string>,
  importOrder: readonly { file: string; name: string }[],
): string {
  const app = createTempApp();
  mkdirSync(join(app, 'src', 'entities'), { recursive: true });
  mkdirSync(join(app, 'migrations'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(app, 'src', 'entities', name), text);
  const imports = importOrder.map(({ file, name }) => `import { ${name} } from './src/entities/${file}';`);
  writeFileSync(
    join(app, 'dazzle.config.ts'),
    `import { defineConfig } from '@app/cli';
${imports.join('\n')}

export default defineConfig({
  entities: [${importOrder.map(({ name }) => name).join(', ')}],
  migrations: { dir: 'migrations' },
});
`,
  );
  return app;
}
