import { readFileSync, rmSync } from 'node:fs';
import { buildMetadata, type EntityClass } from '@app/metadata-builder';
import {
  type CatalogSnapshot,
  loadSqlParser,
  Migrator,
  openDataSource,
  readCatalog,
  snapshotCatalog,
} from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision, previewRevisions } from '../src';
import { proveBothWays } from '../src/generate/prove-down';
import { schemaChangesSince, sql } from './helpers/catalog';
import { withMigrator as migratorOn } from './helpers/migrator';
import { refusal } from './helpers/refusal';
import { tempDir } from './helpers/revision-folders';

@Entity('ticket')
class TicketV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'enum', enum: ['open', 'closed'], enumName: 'ticket_state', default: 'open' })
  state: string;
  @Column({ type: 'varchar', length: 10 }) code: string;
}
@Entity('ticket')
class TicketWithDisputed {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'enum', enum: ['open', 'closed', 'disputed'], enumName: 'ticket_state', default: 'open' })
  state: string;
  @Column({ type: 'varchar', length: 10 }) code: string;
}
@Entity('ticket')
class TicketWideCode {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'enum', enum: ['open', 'closed'], enumName: 'ticket_state', default: 'open' })
  state: string;
  @Column({ type: 'varchar', length: 20 }) code: string;
}
@Entity('ticket')
class TicketNarrowCode {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'enum', enum: ['open', 'closed'], enumName: 'ticket_state', default: 'open' })
  state: string;
  @Column({ type: 'varchar', length: 4 }) code: string;
}

describe('every generated down is proven on the shadow, and guarded where rows would lose data', () => {
  let db: TestDatabase;
  let dir: string;
  let before: CatalogSnapshot;
  const sources = () => [{ lineage: 'app' as const, dir }];
  const generate = (entity: EntityClass, allowDestructive = false) =>
    generateRevision({
      serverUrl: db.url,
      sources: sources(),
      metadata: buildMetadata({ entities: [entity], framework: { enabled: false } }),
      lineage: 'app',
      message: entity.name,
      allowDestructive,
    });
  const withMigrator = <T>(work: (m: Migrator) => Promise<T>) => migratorOn(db.url, sources(), work);

  beforeEach(async () => {
    db = await createTestDatabase('down_proof');
    dir = tempDir('dazzle-down-proof-');
    await generate(TicketV1);
    await withMigrator((m) => m.upgrade());
    await sql(db.url, `INSERT INTO ticket (code) VALUES ('T-1')`);
    before = await snapshotCatalog(db.url);
  });
  afterEach(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an enum value added to a column with a default: the down keeps the default and stops while rows use the value', async () => {
    const { revision, down } = await generate(TicketWithDisputed);
    const text = readFileSync(revision!.file, 'utf8');
    expect(text).toContain('Down proven on the shadow with a row in ticket');
    expect(text).toContain('Down stops while rows would lose data (ticket.state: 1 row(s) hold a value');
    expect(text).not.toContain('dazzle:hand-fill');
    const statements = down.map((s) => s.sql);
    const swap = statements.findIndex((s) => s.includes('ALTER COLUMN "state" TYPE'));
    expect(statements[swap - 1]).toBe('ALTER TABLE "ticket" ALTER COLUMN "state" DROP DEFAULT');
    expect(statements.at(-1)).toBe(
      `ALTER TABLE "ticket" ALTER COLUMN "state" SET DEFAULT 'open'::ticket_state`,
    );

    await withMigrator((m) => m.upgrade());
    await sql(db.url, `UPDATE ticket SET state = 'disputed'`);
    const stopped = await refusal(withMigrator((m) => m.downgrade('-1')));
    expect(stopped.code).toBe('DATA_WOULD_BE_LOST');
    expect(stopped.message).toContain(
      'ticket.state: 1 row(s) hold a value that the enum ticket_state no longer has',
    );
    expect(stopped.details).toMatchObject({ table: 'ticket', column: 'state', rows: 1 });
    expect(await sql(db.url, 'SELECT state FROM ticket')).toEqual([{ state: 'disputed' }]);

    await sql(db.url, `UPDATE ticket SET state = 'closed'`);
    await withMigrator((m) => m.downgrade('-1'));
    expect(await schemaChangesSince(before, db.url)).toEqual([]);
    expect(await sql(db.url, 'SELECT state, code FROM ticket')).toEqual([{ state: 'closed', code: 'T-1' }]);
    await sql(db.url, `INSERT INTO ticket (code) VALUES ('T-2')`); // the default is back
    await withMigrator((m) => m.upgrade());
  });

  it('check shows what revision would write: the ALTER … USING and its guarded down, not a DROP + ADD', async () => {
    const metadata = buildMetadata({ entities: [TicketWideCode], framework: { enabled: false } });
    const missing = await findSchemaDrift({ serverUrl: db.url, sources: sources(), metadata });
    expect(missing.map((m) => m.sql).join('\n')).toContain('DROP COLUMN "code"');
    const [preview] = await previewRevisions({
      serverUrl: db.url,
      sources: sources(),
      metadata,
      lineages: ['app'],
    });
    expect(preview!.up).toEqual([
      'ALTER TABLE "ticket" ALTER COLUMN "code" TYPE character varying(20) USING "code"::character varying(20)',
    ]);
    expect(preview!.down[0]).toContain(`RAISE EXCEPTION 'ticket.code: % row(s)`);
  });

  it('the down of a widening stops, naming table, column and count, while a value is too long, and keeps it', async () => {
    await generate(TicketWideCode);
    await withMigrator((m) => m.upgrade());
    await sql(db.url, `UPDATE ticket SET code = 'ABCDEFGHIJKLMNOP'`);
    const stopped = await refusal(withMigrator((m) => m.downgrade('-1')));
    expect(stopped.code).toBe('DATA_WOULD_BE_LOST');
    expect(stopped.message).toContain(
      'ticket.code: 1 row(s) hold a value that character varying(10) cannot hold',
    );
    expect(await sql(db.url, 'SELECT code FROM ticket')).toEqual([{ code: 'ABCDEFGHIJKLMNOP' }]);
    await sql(db.url, `UPDATE ticket SET code = 'SHORT'`);
    await withMigrator((m) => m.downgrade('-1'));
    expect(await schemaChangesSince(before, db.url)).toEqual([]);
  });

  it('a narrowing allowed with --allow-destructive still stops before truncating a value', async () => {
    await sql(db.url, `UPDATE ticket SET code = 'T-100'`);
    expect((await refusal(generate(TicketNarrowCode))).code).toBe('DESTRUCTIVE_CHANGE');
    await generate(TicketNarrowCode, true);
    const stopped = await refusal(withMigrator((m) => m.upgrade()));
    expect(stopped.code).toBe('DATA_WOULD_BE_LOST');
    expect(stopped.details).toMatchObject({ table: 'ticket', column: 'code', rows: 1 });
    expect(await sql(db.url, 'SELECT code FROM ticket')).toEqual([{ code: 'T-100' }]);
  });

  it('a down that does not restore the schema is written as a hand-fill step with the reason', async () => {
    await loadSqlParser();
    const dataSource = await openDataSource(db.url, { entities: [] });
    const runner = dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      const beforeUp = await readCatalog(runner);
      const up = [{ sql: 'ALTER TABLE "ticket" ADD "note" text' }];
      await runner.query(up[0]!.sql);
      const proof = await proveBothWays(runner, beforeUp, { up, down: [{ sql: 'SELECT 1' }] }, true);
      expect(proof.unproven).toContain('extra    column ticket.note: text');
      expect(proof.down[0]!.handFill).toContain(
        'this down was tried on the shadow and after it, extra column ticket.note: text',
      );
      expect(await readCatalog(runner)).toMatchObject({
        columns: expect.arrayContaining([expect.objectContaining({ column: 'note' })]),
      });
    } finally {
      await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
      await dataSource.destroy();
    }
  });

  it.each([
    [
      'a function',
      'CREATE FUNCTION ticket_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM ticket $$',
      'extra    function ticket_count()',
    ],
    [
      'a comment',
      `COMMENT ON COLUMN ticket.code IS 'printed on the ticket'`,
      'extra    comment ticket.code: printed on the ticket',
    ],
    [
      'a sequence',
      'CREATE SEQUENCE ticket_number START 100',
      'extra    sequence ticket_number: bigint start 100',
    ],
  ])(
    'the down proof reads the whole catalog: a down that leaves %s behind is not proven',
    async (_what, statement, expected) => {
      await loadSqlParser();
      const dataSource = await openDataSource(db.url, { entities: [] });
      const runner = dataSource.createQueryRunner();
      try {
        await runner.connect();
        await runner.startTransaction();
        const beforeUp = await readCatalog(runner);
        await runner.query(statement);
        const proof = await proveBothWays(
          runner,
          beforeUp,
          { up: [{ sql: statement }], down: [{ sql: 'SELECT 1' }] },
          true,
        );
        expect(proof.unproven).toContain(expected);
      } finally {
        await runner.rollbackTransaction().catch(() => undefined);
        await runner.release();
        await dataSource.destroy();
      }
    },
  );
});
