/**
 * The corpus: one small entity set per column type or option the framework supports. Each is
 * generated on an empty database, applied, and must then diff to nothing.
 */
import {
  Check,
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Exclusion,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  VersionColumn,
  ViewColumn,
  ViewEntity,
} from 'typeorm';

type Shape = { name: string; entities: Array<abstract new (...args: never[]) => unknown> };
export const SHAPES: Shape[] = [];
const shape = (name: string, ...entities: Shape['entities']) => SHAPES.push({ name, entities });

@Entity()
class ImplicitTypes {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @Column() count: number;
  @Column() flag: boolean;
}
shape('implicit string, number and boolean columns', ImplicitTypes);
@Entity()
class VarcharLength {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 120 }) title: string;
}
shape('varchar with a length', VarcharLength);
@Entity()
class TextColumn {
  @PrimaryGeneratedColumn() id: number;
  @Column('text') body: string;
}
shape('text', TextColumn);
@Entity()
class BigintColumn {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('bigint') total: string;
}
shape('bigint and a bigint identity', BigintColumn);
@Entity()
class SmallintColumn {
  @PrimaryGeneratedColumn() id: number;
  @Column('smallint') rank: number;
}
shape('smallint', SmallintColumn);
@Entity()
class NumericColumn {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'numeric', precision: 14, scale: 4 }) amount: string;
  @Column({ type: 'numeric', precision: 5, scale: 0, default: 0 }) whole: string;
}
shape('numeric precision and scale', NumericColumn);
@Entity()
class BooleanDefault {
  @PrimaryGeneratedColumn() id: number;
  @Column({ default: true }) enabled: boolean;
}
shape('boolean with a default', BooleanDefault);
@Entity()
class FloatColumns {
  @PrimaryGeneratedColumn() id: number;
  @Column('double precision') ratio: number;
  @Column('real') approx: number;
}
shape('double precision and real', FloatColumns);
@Entity()
class DateColumns {
  @PrimaryGeneratedColumn() id: number;
  @Column('date') day: string;
  @Column('timestamp') at: Date;
  @Column('time') clock: string;
  @Column('interval') span: string;
}
shape('date, timestamp, time, interval', DateColumns);
@Entity()
class TimestamptzPrecision {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'timestamptz', precision: 3 }) at: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) seen: Date;
}
shape('timestamptz precision and now() default', TimestamptzPrecision);
@Entity()
class UuidPrimary {
  @PrimaryGeneratedColumn('uuid') id: string;
}
shape('uuid primary key', UuidPrimary);
@Entity()
class UuidDefault {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'uuid', default: () => 'gen_random_uuid()' }) token: string;
}
shape('uuid column with gen_random_uuid() default', UuidDefault);
@Entity()
class JsonbCastDefault {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" }) meta: object;
}
shape('jsonb default with a cast', JsonbCastDefault);
@Entity()
class JsonbObjectDefault {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'jsonb', default: {} }) meta: object;
  @Column({ type: 'jsonb', nullable: true }) extra: object | null;
}
shape('jsonb object default and nullable jsonb', JsonbObjectDefault);
@Entity()
class JsonColumn {
  @PrimaryGeneratedColumn() id: number;
  @Column('json') doc: object;
}
shape('json', JsonColumn);
@Entity()
class EnumColumn {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'enum', enum: ['draft', 'sent'], default: 'draft' }) state: string;
}
shape('enum with a default', EnumColumn);
@Entity()
class EnumArray {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'enum', enum: ['red', 'green', 'blue'], array: true, default: [] }) colours: string[];
}
shape('enum array', EnumArray);
@Entity()
class NamedSharedEnum {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'enum', enum: ['a', 'b'], enumName: 'grade' }) first: string;
  @Column({ type: 'enum', enum: ['a', 'b'], enumName: 'grade', nullable: true }) second: string;
}
shape('named enum shared by two columns', NamedSharedEnum);
@Entity()
class TextArray {
  @PrimaryGeneratedColumn() id: number;
  @Column('text', { array: true }) tags: string[];
  @Column('int', { array: true, default: () => "'{}'" }) scores: number[];
}
shape('text and integer arrays', TextArray);
@Entity()
class QuotedDefault {
  @PrimaryGeneratedColumn() id: number;
  @Column({ default: "it's" }) phrase: string;
  @Column({ type: 'text', default: 'say "hi"' }) quoted: string;
}
shape('string defaults with quotes', QuotedDefault);
@Entity()
class UniqueColumn {
  @PrimaryGeneratedColumn() id: number;
  @Column({ unique: true }) email: string;
}
shape('unique column', UniqueColumn);
@Entity()
@Unique('UQ_composite_pair', ['left', 'right'])
class CompositeUnique {
  @PrimaryGeneratedColumn() id: number;
  @Column() left: string;
  @Column() right: string;
}
shape('composite unique constraint', CompositeUnique);
@Entity()
@Index(['a', 'b'])
class CompositeIndex {
  @PrimaryGeneratedColumn() id: number;
  @Column() a: string;
  @Column() b: number;
}
shape('composite index', CompositeIndex);
@Entity()
@Index('IDX_active_only', ['name'], { where: '"active" = true' })
class PartialIndex {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @Column() active: boolean;
}
shape('partial index', PartialIndex);
@Entity()
class UniqueIndex {
  @PrimaryGeneratedColumn() id: number;
  @Index({ unique: true }) @Column() code: string;
}
shape('unique index', UniqueIndex);
@Entity()
class FkParent {
  @PrimaryGeneratedColumn() id: number;
}
@Entity()
class FkCascade {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => FkParent, { onDelete: 'CASCADE', nullable: false }) parent: FkParent;
}
shape('many-to-one with ON DELETE CASCADE', FkParent, FkCascade);
@Entity()
class FkOwner {
  @PrimaryGeneratedColumn() id: number;
}
@Entity()
class FkSetNull {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => FkOwner, { onDelete: 'SET NULL', onUpdate: 'CASCADE', nullable: true })
  owner: FkOwner | null;
}
shape('foreign key with SET NULL and ON UPDATE CASCADE', FkOwner, FkSetNull);
@Entity()
class Profile {
  @PrimaryGeneratedColumn() id: number;
}
@Entity()
class Account {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Profile) @JoinColumn() profile: Profile;
}
shape('one-to-one', Profile, Account);
@Entity()
class TreeNode {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(
    () => TreeNode,
    (n) => n.children,
    { nullable: true },
  )
  parent: TreeNode | null;
  children: TreeNode[];
}
shape('self relation', TreeNode);
@Entity()
class Tag {
  @PrimaryGeneratedColumn() id: number;
}
@Entity()
class Post {
  @PrimaryGeneratedColumn() id: number;
  @ManyToMany(() => Tag) @JoinTable() tags: Tag[];
}
shape('many-to-many', Tag, Post);
@Entity()
@Check('CHK_positive_qty', '"quantity" > 0')
class CheckedRow {
  @PrimaryGeneratedColumn() id: number;
  @Column() quantity: number;
}
shape('check constraint', CheckedRow);
@Entity({ schema: 'reporting' })
class ReportingRow {
  @PrimaryGeneratedColumn() id: number;
  @Column() label: string;
}
shape('table in its own schema', ReportingRow);
@Entity({ schema: 'audit' })
class AuditParent {
  @PrimaryGeneratedColumn() id: number;
}
@Entity({ schema: 'audit' })
class AuditChild {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => AuditParent) parent: AuditParent;
}
shape('foreign key inside a schema', AuditParent, AuditChild);
@Entity()
class CompositeKey {
  @PrimaryColumn() tenant: string;
  @PrimaryColumn() code: string;
  @Column() label: string;
}
shape('composite primary key', CompositeKey);
@Entity()
class ByteaColumn {
  @PrimaryGeneratedColumn() id: number;
  @Column('bytea') blob: Buffer;
}
shape('bytea', ByteaColumn);
@Entity()
class NullableDefaults {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', nullable: true, default: null }) note: string | null;
  @Column({ comment: 'shown to users' }) label: string;
}
shape('nullable with null default, and a comment', NullableDefaults);
@Entity()
class Audited {
  @PrimaryGeneratedColumn() id: number;
  @CreateDateColumn({ type: 'timestamptz' }) created: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updated: Date;
  @DeleteDateColumn({ type: 'timestamptz' }) deleted: Date | null;
  @VersionColumn() version: number;
}
shape('create, update, delete dates and version', Audited);
@Entity()
class GeneratedTotal {
  @PrimaryGeneratedColumn() id: number;
  @Column('int') price: number;
  @Column('int') qty: number;
  @Column({ type: 'int', generatedType: 'STORED', asExpression: '"price" * "qty"' }) total: number;
}
shape('stored generated column', GeneratedTotal);
@Entity()
class IdentityColumn {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' }) id: number;
}
shape('identity primary key', IdentityColumn);
@Entity()
class CharColumn {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'citext', nullable: true }) ci: string;
}
shape('char(3) and citext', CharColumn);
@Entity()
class InetColumn {
  @PrimaryGeneratedColumn() id: number;
  @Column('inet') ip: string;
  @Column('cidr', { nullable: true }) net: string;
}
shape('inet and cidr', InetColumn);
@Entity()
class NumericDefaults {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer', default: 42 }) answer: number;
  @Column({ type: 'numeric', precision: 6, scale: 2, default: 1.5 }) rate: string;
}
shape('numeric defaults', NumericDefaults);
@Entity()
@Exclusion(`USING gist ("room" WITH =, "during" WITH &&)`)
class RoomBooking {
  @PrimaryGeneratedColumn() id: number;
  @Column('integer') room: number;
  @Column('tstzrange') during: string;
}
shape('exclusion constraint over an integer and a range (needs btree_gist)', RoomBooking);
@Entity()
class Ledger {
  @PrimaryGeneratedColumn() id: number;
  @Column('int') amount: number;
}
@ViewEntity({ name: 'ledger_sum', expression: `SELECT SUM("amount") AS "total" FROM "ledger"` })
class LedgerSum {
  @ViewColumn() total: string;
}
@ViewEntity({
  name: 'ledger_sum_doubled',
  expression: `SELECT "total" * 2 AS "doubled" FROM "ledger_sum"`,
  dependsOn: [LedgerSum],
})
class LedgerSumDoubled {
  @ViewColumn() doubled: string;
}
shape('view entities, one over the other', Ledger, LedgerSum, LedgerSumDoubled);
@Entity()
class ExtensionDefaults {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'uuid', default: () => 'uuid_generate_v1mc()' }) token: string;
  @Column({ type: 'bytea', default: () => 'gen_random_bytes(8)' }) salt: Buffer;
}
shape('defaults calling uuid-ossp and pgcrypto functions', ExtensionDefaults);
