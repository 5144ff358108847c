/**
 * The change corpus: shapes that alter an existing schema, each a list of entity sets. The first
 * set is generated on an empty shadow; every later one is generated against the history before
 * it, so its revision is proven up → down → up on the shadow with a representative row in each
 * table it touches. Covers each lossy cast (and the widenings whose down narrows), enum values
 * added and removed under a default, each rename case, view entities, citext, exclusion
 * constraints, generated columns, one-to-one and self-referencing relations, an enum under a view.
 */
import type { ColumnOptions } from 'typeorm';
import {
  Column,
  Entity,
  Exclusion,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryGeneratedColumn,
  ViewColumn,
  ViewEntity,
} from 'typeorm';
import type { RenameHint } from '../../src/generate/pre-steps';

type EntityClass = abstract new (...args: never[]) => unknown;
export interface ChangeStep {
  entities: EntityClass[];
  renames?: RenameHint[];
  /** The step narrows or drops: generated with --allow-destructive (guards still count rows). */
  destructive?: boolean;
  /** The step touches no existing table (it only adds a view): no row to seed for its proof. */
  noRows?: boolean;
  /** The step has a cast only a person can confirm: written with a hand-fill step, not applied. */
  handFill?: boolean;
}
export interface ChangeShape {
  name: string;
  steps: ChangeStep[];
}
export const CHANGE_SHAPES: ChangeShape[] = [];
const change = (name: string, ...steps: ChangeStep[]) => CHANGE_SHAPES.push({ name, steps });
const narrowing = (...entities: EntityClass[]): ChangeStep => ({ entities, destructive: true });

/** One table `cast_row` whose `value` column has the given options, for each side of a cast. */
function castRow(options: ColumnOptions): EntityClass {
  @Entity('cast_row')
  class CastRow {
    @PrimaryGeneratedColumn() id: number;
    @Column(options) value: unknown;
  }
  return CastRow;
}
const cast = (name: string, from: ColumnOptions, to: ColumnOptions) =>
  change(name, { entities: [castRow(from)] }, narrowing(castRow(to)));

cast('narrowing varchar(20) → varchar(10)', { type: 'varchar', length: 20 }, { type: 'varchar', length: 10 });
cast(
  'widening varchar(10) → varchar(20) (its down narrows)',
  { type: 'varchar', length: 10 },
  {
    type: 'varchar',
    length: 20,
  },
);
cast(
  'numeric(10,2) → numeric(6,1)',
  { type: 'numeric', precision: 10, scale: 2 },
  { type: 'numeric', precision: 6, scale: 1 },
);
cast('bigint → integer', { type: 'bigint' }, { type: 'integer' });
cast('timestamptz → date', { type: 'timestamptz' }, { type: 'date' });
cast('timestamptz → timestamp', { type: 'timestamptz' }, { type: 'timestamp' });
cast('text → varchar(5)', { type: 'text' }, { type: 'varchar', length: 5 });
cast('integer → bigint (safe, its down narrows)', { type: 'integer' }, { type: 'bigint' });
cast(
  'enum value removed under a default',
  { type: 'enum', enum: ['draft', 'sent', 'void'], enumName: 'cast_state', default: 'draft' },
  { type: 'enum', enum: ['draft', 'sent'], enumName: 'cast_state', default: 'draft' },
);
cast(
  'enum value added under a default',
  { type: 'enum', enum: ['draft', 'sent'], enumName: 'cast_state', default: 'draft' },
  { type: 'enum', enum: ['draft', 'sent', 'disputed'], enumName: 'cast_state', default: 'draft' },
);
cast('citext column from varchar', { type: 'varchar', nullable: true }, { type: 'citext', nullable: true });

cast(
  'numeric(6,1) → numeric(10,2) (widening, its down narrows)',
  { type: 'numeric', precision: 6, scale: 1 },
  { type: 'numeric', precision: 10, scale: 2 },
);

@Entity('customer')
class CustomerOnly {
  @PrimaryGeneratedColumn() id: number;
}
@Entity('customer')
class CustomerPhone {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 30, nullable: true }) phone: string | null;
}
@Entity('customer')
class CustomerMobile {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 30, nullable: true }) mobile: string | null;
}
change(
  'column rename named by --rename',
  { entities: [CustomerPhone] },
  {
    entities: [CustomerMobile],
    renames: [{ kind: 'column', table: 'customer', from: 'phone', to: 'mobile' }],
  },
);
@Entity('client')
class Client {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 30, nullable: true }) phone: string | null;
}
change(
  'table rename named by --rename',
  { entities: [CustomerPhone] },
  { entities: [Client], renames: [{ kind: 'table', table: 'client', from: 'customer', to: 'client' }] },
);
@Entity('customer')
class CustomerPhoneNumber {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer', nullable: true }) phone: number | null;
}
change(
  'same-name type change (varchar → integer) is not a rename',
  { entities: [CustomerPhone] },
  { entities: [CustomerPhoneNumber], handFill: true },
);

@Entity('profile')
class Profile {
  @PrimaryGeneratedColumn() id: number;
}
@Entity('account')
class AccountPlain {
  @PrimaryGeneratedColumn() id: number;
}
@Entity('account')
class AccountWithProfile {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Profile, { nullable: true }) @JoinColumn() profile: Profile | null;
}
@Entity('account')
class AccountMainProfile {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Profile, { nullable: true })
  @JoinColumn({ name: 'main_profile_id' })
  profile: Profile | null;
}
@Entity('account')
class AccountSharedProfile {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Profile, { nullable: true })
  @JoinColumn({ name: 'main_profile_id' })
  profile: Profile | null;
}
change(
  'one-to-one added, its join column renamed, then made many-to-one',
  { entities: [Profile, AccountPlain] },
  { entities: [Profile, AccountWithProfile] },
  {
    entities: [Profile, AccountMainProfile],
    renames: [{ kind: 'column', table: 'account', from: 'profileId', to: 'main_profile_id' }],
  },
  narrowing(Profile, AccountSharedProfile),
);

@Entity('node')
class NodePlain {
  @PrimaryGeneratedColumn() id: number;
}
@Entity('node')
class NodeWithParent {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => NodeWithParent, { nullable: true, onDelete: 'CASCADE' }) parent: NodeWithParent | null;
}
@Entity('node')
class NodeWithOwner {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => NodeWithOwner, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  parent: NodeWithOwner | null;
}
change(
  'self-referencing relation added, then its join column renamed',
  { entities: [NodePlain] },
  { entities: [NodeWithParent] },
  {
    entities: [NodeWithOwner],
    renames: [{ kind: 'column', table: 'node', from: 'parentId', to: 'owner_id' }],
  },
);

@Entity('sale')
class Sale {
  @PrimaryGeneratedColumn() id: number;
  @Column('int') amount: number;
  @Column() region: string;
}
@Entity('sale')
class SaleBig {
  @PrimaryGeneratedColumn() id: number;
  @Column('bigint') amount: string;
  @Column() region: string;
}
@ViewEntity({
  name: 'sale_total',
  expression: `SELECT "region", SUM("amount") AS "total" FROM "sale" GROUP BY "region"`,
})
class SaleTotal {
  @ViewColumn() region: string;
  @ViewColumn() total: string;
}
@ViewEntity({
  name: 'sale_total',
  expression: `SELECT "region", MAX("amount") AS "total" FROM "sale" GROUP BY "region"`,
})
class SaleMax {
  @ViewColumn() region: string;
  @ViewColumn() total: string;
}
change(
  'view entity added, its column retyped, its expression changed, then removed',
  { entities: [Sale] },
  { entities: [Sale, SaleTotal], noRows: true },
  narrowing(SaleBig, SaleTotal),
  { entities: [SaleBig, SaleMax], noRows: true },
  { entities: [SaleBig], noRows: true },
);

@Entity('booking')
class Booking {
  @PrimaryGeneratedColumn() id: number;
  @Column('integer') room: number;
  @Column('tstzrange') during: string;
}
@Entity('booking')
@Exclusion('EXCL_booking_overlap', `USING gist ("room" WITH =, "during" WITH &&)`)
class BookingExclusive {
  @PrimaryGeneratedColumn() id: number;
  @Column('integer') room: number;
  @Column('tstzrange') during: string;
}
change(
  'exclusion constraint added to a table with rows',
  { entities: [Booking] },
  { entities: [BookingExclusive] },
);

@Entity('order_line')
class OrderLine {
  @PrimaryGeneratedColumn() id: number;
  @Column('int') price: number;
  @Column('int') qty: number;
}
@Entity('order_line')
class OrderLineTotal {
  @PrimaryGeneratedColumn() id: number;
  @Column('int') price: number;
  @Column('int') qty: number;
  @Column({ type: 'int', generatedType: 'STORED', asExpression: '"price" * "qty"' }) total: number;
}
@Entity('order_line')
class OrderLineBigTotal {
  @PrimaryGeneratedColumn() id: number;
  @Column('bigint') price: string;
  @Column('int') qty: number;
  @Column({ type: 'int', generatedType: 'STORED', asExpression: '"price" * "qty"' }) total: number;
}
change(
  'generated column added, then a column under it retyped',
  { entities: [OrderLine] },
  { entities: [OrderLineTotal] },
  narrowing(OrderLineBigTotal),
);

change(
  'column dropped (its down adds it back, empty)',
  { entities: [CustomerPhone] },
  narrowing(CustomerOnly),
);

@Entity('ticket')
class TicketTwoStates {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'enum', enum: ['open', 'closed'], enumName: 'ticket_state', default: 'open' })
  state: string;
}
@Entity('ticket')
class TicketThreeStates {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'enum', enum: ['open', 'closed', 'parked'], enumName: 'ticket_state', default: 'open' })
  state: string;
}
@ViewEntity({ name: 'open_ticket', expression: `SELECT "id", "state" FROM "ticket" WHERE "state" = 'open'` })
class OpenTicket {
  @ViewColumn() id: number;
  @ViewColumn() state: string;
}
change(
  'enum values changed under a view entity',
  { entities: [TicketTwoStates, OpenTicket] },
  { entities: [TicketThreeStates, OpenTicket] },
  narrowing(TicketTwoStates, OpenTicket),
);

// Each rename case, applied to a table with a row and proven back and forth.
@Entity('customer')
class CustomerWideMobile {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 60, nullable: true }) mobile: string | null;
}
change(
  'column renamed and widened in one revision (--rename, varchar(30) → varchar(60))',
  { entities: [CustomerPhone] },
  {
    entities: [CustomerWideMobile],
    renames: [{ kind: 'column', table: 'customer', from: 'phone', to: 'mobile' }],
  },
);

@Entity('customer')
class CustomerPhoneText {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text', nullable: true }) phone: string | null;
}
// TypeORM writes it DROP + ADD of one name; it used to be reported as RENAME_AMBIGUOUS of a column onto itself.
change(
  'same name, new type (varchar(30) → text), kept as one column',
  { entities: [CustomerPhone] },
  { entities: [CustomerPhoneText] },
);

@Entity('buyer')
class Buyer {
  @PrimaryGeneratedColumn() id: number;
}
@Entity('purchase')
class PurchaseByBuyer {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Buyer, { nullable: true }) buyer: Buyer | null;
}
@Entity('purchase')
class PurchasePayer {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Buyer, { nullable: true }) @JoinColumn({ name: 'payer_id' }) buyer: Buyer | null;
}
change(
  'many-to-one join column renamed (--rename)',
  { entities: [Buyer, PurchaseByBuyer] },
  {
    entities: [Buyer, PurchasePayer],
    renames: [{ kind: 'column', table: 'purchase', from: 'buyerId', to: 'payer_id' }],
  },
);

@Entity('passport')
class Passport {
  @PrimaryGeneratedColumn() id: number;
}
@Entity('citizen')
class CitizenWithPassport {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Passport, { nullable: true }) @JoinColumn() passport: Passport | null;
}
@Entity('citizen')
class CitizenWithDocument {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Passport, { nullable: true })
  @JoinColumn({ name: 'document_id' })
  passport: Passport | null;
}
change(
  'one-to-one join column renamed (--rename)',
  { entities: [Passport, CitizenWithPassport] },
  {
    entities: [Passport, CitizenWithDocument],
    renames: [{ kind: 'column', table: 'citizen', from: 'passportId', to: 'document_id' }],
  },
);
