// Entities of the online workload: `owner` and a big `account` table as the app first ships them
// (`base`), and one changed version per schema change the workload measures. Built with the real
// decorators applied by hand, so no build step is needed.
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/** The changes measured, in order, each against the `base` schema. */
export const ONLINE_CHANGES = [
  'add-index',
  'add-foreign-key',
  'add-required-column',
  'set-not-null',
  'widen-integer',
];

export function onlineEntities(change = 'base') {
  class Owner {}
  PrimaryGeneratedColumn()(Owner.prototype, 'id');
  Column({ type: 'text' })(Owner.prototype, 'name');
  Entity('owner')(Owner);

  class Account {}
  const p = Account.prototype;
  PrimaryGeneratedColumn()(p, 'id');
  Column({ type: 'integer', nullable: true })(p, 'owner_id');
  // Nullable so TypeORM's own form of the widening (drop and add the column) can run on rows at all.
  Column({ type: change === 'widen-integer' ? 'bigint' : 'integer', nullable: true })(p, 'balance');
  Column({ type: 'varchar', length: 20, nullable: change !== 'set-not-null' })(p, 'code');
  if (change === 'add-required-column') Column({ type: 'integer', default: 0 })(p, 'flags');
  if (change === 'add-foreign-key') {
    ManyToOne(() => Owner)(p, 'owner');
    JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'FK_account_owner' })(p, 'owner');
  }
  if (change === 'add-index') Index('IDX_account_balance', ['balance'])(Account);
  Entity('account')(Account);
  return [Owner, Account];
}
