import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Supplier } from './supplier';

/** Bank details moved here from Supplier (revision 5) so a supplier can have several accounts. */
@Entity('supplier_bank_account')
export class SupplierBankAccount {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Supplier, { nullable: false, onDelete: 'CASCADE' })
  supplier: Supplier;

  @Column({ name: 'account_ref', type: 'varchar', length: 34 })
  accountRef: string;

  @Column({ name: 'is_primary', type: 'boolean', default: true })
  isPrimary: boolean;
}
