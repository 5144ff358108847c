/**
 * Entities covering every column shape the request schemas handle, and their TypeORM metadata built
 * in memory: a DataSource that is never initialised opens no connection.
 */
import 'reflect-metadata';
import {
  Column,
  CreateDateColumn,
  DataSource,
  DeleteDateColumn,
  Entity,
  type EntityMetadata,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';

@Entity('supplier')
export class Supplier {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  name: string;

  /** Written once, at creation. */
  @Column({ type: 'varchar', length: 12, update: false })
  code: string;

  /** An old column the entity keeps for a release still running, filled by a trigger. */
  @Column({ name: 'old_name', type: 'varchar', select: false, insert: false, update: false })
  legacyName?: string;

  @OneToMany(
    () => Invoice,
    (invoice) => invoice.supplier,
  )
  invoices: Invoice[];
}

@Entity('invoice')
export class Invoice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 20 })
  number: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'enum', enum: ['open', 'paid'], default: 'open' })
  status: 'open' | 'paid';

  @Column({ type: 'numeric', precision: 12, scale: 2 })
  total: string;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ type: 'smallint', default: 0 })
  priority: number;

  @Column({ type: 'bigint', nullable: true })
  sequence: string | null;

  @Column({ type: 'double precision', nullable: true })
  ratio: number | null;

  @Column({ type: 'boolean', default: false })
  paid: boolean;

  @Column({ type: 'date', nullable: true })
  due: string | null;

  @Column({ type: 'timestamp with time zone', nullable: true })
  issuedAt: Date | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'jsonb', nullable: true })
  meta: unknown;

  @Column({ type: 'integer', generatedType: 'STORED', asExpression: '"quantity" * 2', nullable: true })
  double: number | null;

  @ManyToOne(
    () => Supplier,
    (supplier) => supplier.invoices,
    { nullable: true },
  )
  supplier: Supplier | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;

  @DeleteDateColumn()
  deletedAt: Date | null;

  @VersionColumn()
  version: number;
}

export async function invoiceMetadata(): Promise<{ invoice: EntityMetadata; supplier: EntityMetadata }> {
  const dataSource = new DataSource({ type: 'postgres', entities: [Supplier, Invoice] });
  // Builds the entity metadata as initialize() would, without connecting.
  await (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
  return { invoice: dataSource.getMetadata(Invoice), supplier: dataSource.getMetadata(Supplier) };
}
