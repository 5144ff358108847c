import { readFileSync } from 'node:fs';
import { buildMetadata, type EntityClass } from '@app/metadata-builder';
import { type CatalogSnapshot, Migrator, snapshotCatalog } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateRevision } from '../src';
import { schemaChangesSince, sql } from './helpers/catalog';
import { withMigrator as migratorOn } from './helpers/migrator';
import { tempDir } from './helpers/revision-folders';

@Entity('client')
class Client {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text' }) name: string;
}
@Entity('client')
@Index('IDX_client_name', ['name'])
class ClientNamed {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text' }) name: string;
}
@Entity('bill')
class BillV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) total: number;
  @Column({ type: 'date', nullable: true }) due: string | null;
  @Column({ type: 'integer', nullable: true }) client_id: number | null;
}
@Entity('bill')
@Index('IDX_bill_total', ['total'])
@Check('CHK_bill_total', '"total" >= 0')
class BillV2 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) total: number;
  @Column({ type: 'date' }) due: string;
  @Column({ type: 'integer', nullable: true }) client_id: number | null;
  @ManyToOne(() => Client)
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'FK_bill_client' })
  client: Client;
}
@Entity('bill')
@Index('IDX_bill_total', ['total'])
class BillIndexed {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) total: number;
  @Column({ type: 'date' }) due: string;
  @Column({ type: 'integer', nullable: true }) client_id: number | null;
}
@Entity('bill')
class BillWide {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'bigint' }) total: string;
  @Column({ type: 'date', nullable: true }) due: string | null;
  @Column({ type: 'integer', nullable: true }) client_id: number | null;
}
@Entity('note')
@Index('IDX_note_bill', ['bill_id'])
class Note {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) bill_id: number;
}

describe('revision on tables that hold rows (online rewrites)', () => {
  let db: TestDatabase;
  let dir: string;
  let before: CatalogSnapshot;
  const sources = () => [{ lineage: 'app' as const, dir }];
  const generate = (entities: EntityClass[], online?: boolean | { except: string[] }) =>
    generateRevision({
      serverUrl: db.url,
      sources: sources(),
      metadata: buildMetadata({ entities, framework: { enabled: false } }),
      lineage: 'app',
      message: entities.map((e) => e.name).join(' '),
      online,
    });
  const withMigrator = <T>(work: (m: Migrator) => Promise<T>) => migratorOn(db.url, sources(), work);
  const constraints = () =>
    sql(
      db.url,
      `SELECT conname AS name, convalidated AS valid FROM pg_constraint
       WHERE conrelid = 'bill'::regclass AND contype IN ('c', 'f') ORDER BY 1`,
    );
  const indexes = () =>
    sql(
      db.url,
      `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'bill'::regclass AND NOT i.indisprimary ORDER BY 1`,
    );

  beforeEach(async () => {
    db = await createTestDatabase('online');
    dir = tempDir('dazzle-online-');
    await generate([Client, BillV1]);
    await withMigrator((m) => m.upgrade());
    await sql(
      db.url,
      `INSERT INTO client (name) VALUES ('ada');
       INSERT INTO bill (total, due, client_id) SELECT g, DATE '2026-01-01' + g, 1 FROM generate_series(1, 500) g`,
    );
    before = await snapshotCatalog(db.url);
  });
  afterEach(() => db.drop());

  it('writes the index CONCURRENTLY, the constraints NOT VALID then validated and SET NOT NULL through a CHECK, in steps that upgrade applies', async () => {
    const { revision, up, transactional, steps } = await generate([Client, BillV2, Note]);
    expect(transactional).toBe(false);
    const statements = up.map((s) => s.sql);
    expect(statements).toContain('DROP INDEX CONCURRENTLY IF EXISTS "public"."IDX_bill_total"');
    expect(statements).toContain('CREATE INDEX CONCURRENTLY "IDX_bill_total" ON "bill"  ("total")');
    expect(statements.find((s) => s.includes('"FK_bill_client" FOREIGN KEY'))).toMatch(/ NOT VALID$/);
    expect(statements).toContain('ALTER TABLE "bill" VALIDATE CONSTRAINT "FK_bill_client"');
    expect(statements.find((s) => s.includes('"CHK_bill_total" CHECK'))).toMatch(/ NOT VALID$/);
    expect(statements).toContain(
      'ALTER TABLE "bill" ADD CONSTRAINT "due_not_null_dz" CHECK ("due" IS NOT NULL) NOT VALID',
    );
    expect(statements).toContain('ALTER TABLE "bill" ALTER COLUMN "due" SET NOT NULL');
    // The new table is empty: its index is built the plain way, inside a transaction.
    expect(statements.find((s) => s.includes('"IDX_note_bill"'))).toMatch(/^CREATE INDEX "IDX_note_bill"/);
    expect(steps?.up.some((s) => !s.transaction)).toBe(true);
    expect(steps?.up.reduce((n, s) => n + s.statements, 0)).toBe(up.length);
    const file = readFileSync(revision!.file, 'utf8');
    expect(file).toContain('transactional: false,');
    expect(file).toContain('steps: {');
    expect(file).toMatch(/\/\/ Step 1 of \d+, in one transaction/);
    expect(file).toContain('Online: IDX_bill_total on bill is built CONCURRENTLY.');

    const result = await withMigrator((m) => m.upgrade());
    expect(result.revisions.map((r) => r.id)).toEqual([revision!.id]);
    expect(await indexes()).toEqual([{ name: 'IDX_bill_total', valid: true }]);
    expect(await constraints()).toEqual([
      { name: 'CHK_bill_total', valid: true },
      { name: 'FK_bill_client', valid: true },
    ]);
    expect(
      await sql(
        db.url,
        `SELECT attnotnull FROM pg_attribute WHERE attrelid = 'bill'::regclass AND attname = 'due'`,
      ),
    ).toEqual([{ attnotnull: true }]);
    expect(await sql(db.url, 'SELECT count(*)::int AS n FROM bill')).toEqual([{ n: 500 }]);
    // What was applied is what the entities declare: nothing is left to generate.
    expect((await generate([Client, BillV2, Note])).revision).toBeUndefined();

    await withMigrator((m) => m.downgrade('-1'));
    expect(await schemaChangesSince(before, db.url)).toEqual([]);
    await withMigrator((m) => m.upgrade());
    expect(await indexes()).toEqual([{ name: 'IDX_bill_total', valid: true }]);
  });

  it('writes what TypeORM writes, in one transaction, when online rewrites are turned off', async () => {
    const { up, transactional, steps, notes } = await generate([Client, BillV2], false);
    expect(transactional).toBe(true);
    expect(steps).toBeUndefined();
    const statements = up.map((s) => s.sql);
    expect(statements.some((s) => /CONCURRENTLY|NOT VALID|VALIDATE/.test(s))).toBe(false);
    expect(statements).toContain('ALTER TABLE "bill" ALTER COLUMN "due" SET NOT NULL');
    expect(notes.some((n) => n.startsWith('Online:'))).toBe(false);
    await withMigrator((m) => m.upgrade());
    expect(await indexes()).toEqual([{ name: 'IDX_bill_total', valid: true }]);
  });

  it('leaves an opted-out entity as TypeORM writes it and still rewrites the other tables', async () => {
    const { revision, up, steps, notes } = await generate([ClientNamed, BillIndexed], {
      except: ['BillIndexed'],
    });
    const statements = up.map((s) => s.sql);
    expect(statements).toContain('CREATE INDEX CONCURRENTLY "IDX_client_name" ON "client"  ("name")');
    expect(statements).toContainEqual(expect.stringMatching(/^CREATE INDEX "IDX_bill_total" ON "bill"/));
    expect(statements).toContain('ALTER TABLE "bill" ALTER COLUMN "due" SET NOT NULL');
    expect(
      statements.filter((s) => s.includes('"bill"') && /CONCURRENTLY|NOT VALID|VALIDATE|_dz/.test(s)),
    ).toEqual([]);
    // bill's statements sit in transactional steps; client's index alone outside one.
    const billSteps = steps!.up.filter((_, i) =>
      up
        .slice(
          steps!.up.slice(0, i).reduce((n, x) => n + x.statements, 0),
          steps!.up.slice(0, i + 1).reduce((n, x) => n + x.statements, 0),
        )
        .some((s) => s.sql.includes('"bill"')),
    );
    expect(billSteps.every((step) => step.transaction)).toBe(true);
    expect(notes).toContain(
      'Online: bill is opted out (migrations.online.except): its statements run as TypeORM writes them, inside a transaction.',
    );
    expect(readFileSync(revision!.file, 'utf8')).toContain('bill is opted out (migrations.online.except)');
    await withMigrator((m) => m.upgrade());
    expect(await indexes()).toEqual([{ name: 'IDX_bill_total', valid: true }]);
    expect(await constraints()).toEqual([]);
    expect(
      (await generate([ClientNamed, BillIndexed], { except: ['BillIndexed'] })).revision,
    ).toBeUndefined();
    await withMigrator((m) => m.downgrade('-1'));
    expect(await schemaChangesSince(before, db.url)).toEqual([]);
  });

  it('refuses a name in online.except that is neither an entity nor a table, before writing anything', async () => {
    await expect(generate([Client, BillV2], { except: ['Bil'] })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('`migrations.online.except` names "Bil"'),
    });
  });

  it('flags integer → bigint on a table with rows, naming the expand/contract sequence', async () => {
    const { up, notes } = await generate([Client, BillWide]);
    expect(up.map((s) => s.sql)).toContain(
      'ALTER TABLE "bill" ALTER COLUMN "total" TYPE bigint USING "total"::bigint',
    );
    expect(notes.filter((n) => n.startsWith('Warning:'))).toEqual([
      expect.stringMatching(
        /^Warning: bill\.total becomes bigint, which rewrites bill under ACCESS EXCLUSIVE.*batchUpdate/,
      ),
    ]);
  });
});
