import { rmSync } from 'node:fs';
import { Migrator } from '@app/migrator';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerIds } from './helpers/catalog';
import { tempDir, writeChain } from './helpers/revision-folders';

type Failure = { code: string; message: string; details: Record<string, unknown> };
const failureOf = async (work: Promise<unknown>) => (await work.catch((e: unknown) => e)) as Failure;

const UNIQUE_V = {
  message: 'index dup',
  transactional: false,
  up: [
    'CREATE INDEX CONCURRENTLY dup_id_idx ON dup (id)',
    'CREATE UNIQUE INDEX CONCURRENTLY dup_v_key ON dup (v)',
  ],
  down: ['DROP INDEX CONCURRENTLY dup_v_key', 'DROP INDEX CONCURRENTLY dup_id_idx'],
};

describe('a non-transactional revision that stops partway', () => {
  let db: TestDatabase;
  let dir: string;
  let connected: Migrator | undefined;
  /** Connects after the test wrote its revisions: the folder is read once, at connect. */
  const connect = async () => {
    connected = await Migrator.connect({ databaseUrl: db.url, sources: [{ lineage: 'app', dir }] });
    return connected;
  };
  const indexes = async () =>
    queryDatabase(
      db.url,
      `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'dup'::regclass ORDER BY 1`,
    );
  const progress = () =>
    queryDatabase(db.url, 'SELECT id, state, statements_done, statement FROM _dazzle_revision_progress');

  beforeEach(async () => {
    db = await createTestDatabase('incomplete');
    dir = tempDir();
    await queryDatabase(db.url, 'CREATE TABLE dup (id int, v int); INSERT INTO dup VALUES (1, 1), (2, 1)');
  });
  afterEach(async () => {
    await connected?.close();
    connected = undefined;
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is recorded with the statement reached, refused next time with its INVALID index named, and runs again once resolved --rolled-back', async () => {
    const [revision] = writeChain(dir, 'app', [UNIQUE_V]);
    const migrator = await connect();
    expect(await failureOf(migrator.upgrade())).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(await progress()).toEqual([
      {
        id: revision!.id,
        state: 'failed',
        statements_done: 1,
        statement: 'CREATE UNIQUE INDEX CONCURRENTLY dup_v_key ON dup (v)',
      },
    ]);
    expect(await indexes()).toEqual([
      { name: 'dup_id_idx', valid: true },
      { name: 'dup_v_key', valid: false },
    ]);

    const refused = await failureOf(migrator.upgrade());
    expect(refused.code).toBe('REVISION_INCOMPLETE');
    expect(refused.message).toContain(`Revision ${revision!.id}`);
    expect(refused.message).toContain('at statement 2 (CREATE UNIQUE INDEX CONCURRENTLY dup_v_key');
    expect(refused.message).toContain('INVALID index "public"."dup_v_key" on "dup"');
    expect(refused.message).toContain(`dazzle db resolve ${revision!.id} --rolled-back`);
    expect(refused.details.invalidIndexes).toEqual(['"public"."dup_v_key"']);

    // Resolving while the invalid index is still there is refused the same way.
    expect(await failureOf(migrator.resolve(revision!.id, 'rolled-back'))).toMatchObject({
      code: 'REVISION_INCOMPLETE',
    });
    await queryDatabase(db.url, 'DROP INDEX dup_v_key; DROP INDEX dup_id_idx; DELETE FROM dup WHERE id = 2');
    expect(await migrator.resolve(revision!.id.slice(0, 14), 'rolled-back')).toMatchObject({
      revision: revision!.id,
      appliedNow: false,
    });
    expect(await progress()).toEqual([]);
    expect(await ledgerIds(db.url)).toEqual([]);

    expect((await migrator.upgrade()).revisions.map((r) => r.id)).toEqual([revision!.id]);
    expect(await indexes()).toEqual([
      { name: 'dup_id_idx', valid: true },
      { name: 'dup_v_key', valid: true },
    ]);
    expect(await progress()).toEqual([]);
  });

  it('resolve --applied records a revision finished by hand in the ledger without running it', async () => {
    const [revision] = writeChain(dir, 'app', [UNIQUE_V]);
    const migrator = await connect();
    await failureOf(migrator.upgrade());
    await queryDatabase(
      db.url,
      'DROP INDEX dup_v_key; DELETE FROM dup WHERE id = 2; CREATE UNIQUE INDEX dup_v_key ON dup (v)',
    );
    expect(await migrator.resolve(revision!.id, 'applied')).toMatchObject({ appliedNow: true });
    expect(await queryDatabase(db.url, 'SELECT id, method FROM _dazzle_migrations')).toEqual([
      { id: revision!.id, method: 'resolve' },
    ]);
    expect((await migrator.upgrade()).noop).toBe(true);
    expect(await failureOf(migrator.resolve(revision!.id, 'applied'))).toMatchObject({
      code: 'REVISION_NOT_INCOMPLETE',
    });
  });

  it('is recorded as interrupted when its session dies in the middle of a concurrent build', async () => {
    const [revision] = writeChain(dir, 'app', [
      {
        message: 'index dup v',
        transactional: false,
        up: ['CREATE INDEX CONCURRENTLY dup_v_idx ON dup (v)'],
        down: ['DROP INDEX CONCURRENTLY dup_v_idx'],
      },
    ]);
    const migrator = await connect();
    // An open writer: the concurrent build creates its (invalid) index, then waits for it to end.
    const writer = new pg.Client({ connectionString: db.url });
    await writer.connect();
    await writer.query('BEGIN');
    await writer.query('INSERT INTO dup VALUES (3, 3)');
    try {
      const running = failureOf(migrator.upgrade());
      let builder: number | undefined;
      for (let i = 0; i < 300 && builder === undefined; i++) {
        const rows: Array<{ pid: number }> = await queryDatabase(
          db.url,
          `SELECT pid FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY dup_v_idx%' AND wait_event_type = 'Lock'`,
        );
        builder = rows[0]?.pid;
        if (builder === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(builder, 'the concurrent build never waited for the open writer').toBeDefined();
      await queryDatabase(db.url, 'SELECT pg_terminate_backend($1)', [builder]);
      expect(await running).toMatchObject({ code: 'DATABASE_CONNECTION_LOST' });
    } finally {
      await writer.query('ROLLBACK');
      await writer.end();
    }
    const refused = await failureOf(migrator.upgrade());
    expect(refused.code).toBe('REVISION_INCOMPLETE');
    expect(refused.message).toContain(
      'was interrupted upgrading at statement 1 (CREATE INDEX CONCURRENTLY dup_v_idx',
    );
    expect(refused.message).toContain('INVALID index "public"."dup_v_idx"');
    expect(await ledgerIds(db.url)).not.toContain(revision!.id);
  });

  it('keeps its ledger row when the transactional revision after it fails', async () => {
    const [index] = writeChain(dir, 'app', [
      {
        message: 'index dup id',
        transactional: false,
        up: ['CREATE INDEX CONCURRENTLY dup_id_idx ON dup (id)'],
      },
      { message: 'broken', up: ['SELECT 1 / 0'] },
    ]);
    const migrator = await connect();
    expect(await failureOf(migrator.upgrade())).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(await ledgerIds(db.url)).toEqual([index!.id]);
    expect(await progress()).toEqual([]);
  });
});
