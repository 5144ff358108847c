import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Supplier } from './supplier';
import { Tenant } from './tenant';

export const INVOICE_STATUSES = [
  'draft',
  'submitted',
  'approved',
  'partially_paid',
  'rejected',
  'disputed',
  'paid',
] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

@Entity('invoice')
@Index('IDX_invoice_tenant_number', ['tenant', 'number'], { unique: true })
export class Invoice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Tenant, { nullable: false, onDelete: 'CASCADE' })
  tenant: Tenant;

  @ManyToOne(() => Supplier, { nullable: false, onDelete: 'RESTRICT' })
  supplier: Supplier;

  @Column({ type: 'varchar', length: 40 })
  number: string;

  /** Money is exact: numeric, never float. */
  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'enum', enum: INVOICE_STATUSES, enumName: 'invoice_status', default: 'draft' })
  status: InvoiceStatus;

  @Column({ name: 'due_date', type: 'date' })
  dueDate: string;

  @Column({ name: 'po_number', type: 'varchar', length: 50, nullable: true })
  poNumber: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
