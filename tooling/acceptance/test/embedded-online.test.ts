/**
 * The online promises on the embedded default (no DATABASE_URL: PostgreSQL under the app's
 * `.dazzle/`), in one app and one server start: a generated revision on a table with rows builds
 * its index CONCURRENTLY and sets NOT NULL through a validated CHECK, in steps; a runner SIGKILLed
 * in the CONCURRENTLY step is resumed there by the next upgrade; a hand-written CREATE INDEX
 * CONCURRENTLY revision passes `check` once the entity declares the index; a revision that hits
 * lock_timeout is retried; batchUpdate backfills in committed batches; downgrade says what it
 * destroys, then undoes them all. The same promises on a URL: online-rewrites,
 * concurrent-index-check, online-changes and downgrade-destroys (*.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { runningPostmaster, waitFor } from './harness/embedded';
import { type EmbeddedSession, holdEmbeddedServer } from './harness/embedded-session';
import { expectRefusal, expectSuccess } from './harness/failures';
import { INDEXED_ITEM, ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { fillEmptyRevision, revisionFile } from './harness/revisions';
import { watchDazzle } from './harness/watched-run';

/** item with an index on name and `code` required: what a second release of the app declares. */
/** Lock discipline as a busy production table needs it: short lock waits, retried. */
const LOCK_CONFIG = ITEM_CONFIG.replace(
  'defineConfig({ entities: [Item] })',
  'defineConfig({ entities: [Item], migrations: { lockTimeoutMs: 100, lockRetries: 3 } })',
);
/** The third release: it also declares the index a hand-written revision builds. */
const CODE_INDEXED_ITEM = INDEXED_ITEM.replace(
  "@Index('item_name_idx', ['name'])",
  "@Index('item_name_idx', ['name'])\n@Index('item_code_idx', ['code'])",
);

// Several commands per step, each starting node and loading the app: room for a busy machine.
describe('online revisions on the embedded default', { timeout: 300_000 }, () => {
  let app = '';
  let db: EmbeddedSession;
  const run = (...args: string[]) => dazzle(app, args);
  const ok = async (...args: string[]) => expectSuccess(await run(...args), args);
  const indexValid = async (name: string) =>
    db.query(`SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass($1)`, [name]);
  const hasNote = async () =>
    (await db.query(`SELECT 1 FROM pg_attribute WHERE attrelid = 'item'::regclass AND attname = 'note'`))
      .length === 1;
  const buildRunning = async () =>
    (
      await db.query<{ wait: string | null }>(
        `SELECT wait_event_type AS wait FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY "item_name_idx"%'`,
      )
    ).map((r) => r.wait);

  beforeAll(async () => {
    app = newApp('embedded-online');
    db = holdEmbeddedServer(app);
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    const first = await ok('db', 'revision', '-m', 'create item');
    expect(first.stderr).toMatch(/Started the embedded PostgreSQL on 127\.0\.0\.1:\d+/);
    const upgrade = await ok('db', 'upgrade');
    expect(upgrade.stderr).toMatch(/Using the embedded PostgreSQL already running/);
    await db.query(
      `INSERT INTO item (name, code) SELECT 'item ' || g, 'C' || g FROM generate_series(1, 5000) g;
       CREATE TABLE bystander (id int)`,
    );
  });
  afterAll(() => db?.stop());

  it('writes the index CONCURRENTLY and NOT NULL through a CHECK; an upgrade SIGKILLed in the CONCURRENTLY step resumes there', async () => {
    writeFiles(app, { 'src/item.ts': INDEXED_ITEM });
    const revision = await ok('db', 'revision', '-m', 'index item by name');
    expect(revision.stdout).toContain('Online: item_name_idx on item is built CONCURRENTLY.');
    expect(revision.stdout).toContain('Online: item.code is set NOT NULL through a validated CHECK.');
    const text = readFileSync(revisionFile(app, 'index_item_by_name'), 'utf8');
    expect(text).toContain('transactional: false,');
    expect(text).toContain('CREATE INDEX CONCURRENTLY "item_name_idx" ON "item"');
    expect(text).toContain('CHECK ("code" IS NOT NULL) NOT VALID');
    const script = await ok('db', 'upgrade', '--sql');
    expect(script.stdout).toMatch(
      /-- Step \d of \d, outside a transaction\nDROP INDEX CONCURRENTLY IF EXISTS/,
    );

    // A transaction holding an older snapshot: the concurrent build creates its index, then waits.
    const bystander = new pg.Client({ connectionString: db.url() });
    await bystander.connect();
    await bystander.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await bystander.query('SELECT count(*) FROM bystander');
    try {
      const upgrade = watchDazzle(app, ['db', 'upgrade']);
      await waitFor(async () => (await buildRunning()).includes('Lock'), 60_000);
      upgrade.child.kill('SIGKILL');
      expect((await upgrade.ended).signal).toBe('SIGKILL');
      await waitFor(async () => (await buildRunning()).length === 0, 30_000);
    } finally {
      await bystander.query('ROLLBACK');
      await bystander.end();
    }
    expect(runningPostmaster(app), 'the server outlives the killed runner').toBeDefined();
    const [stopped] = await db.query('SELECT state, statement FROM _dazzle_revision_progress');
    expect(stopped).toMatchObject({
      state: 'step-running',
      statement: expect.stringMatching(/^DROP INDEX CONCURRENTLY IF EXISTS/),
    });
    expect(await indexValid('item_name_idx')).toEqual([{ valid: false }]);

    const rerun = await ok('db', 'upgrade');
    expect(rerun.stderr).toMatch(
      /resuming at step \d+ of \d+ \(outside a transaction\): an earlier run finished the steps before it/,
    );
    expect(await indexValid('item_name_idx')).toEqual([{ valid: true }]);
    expect(
      await db.query(
        `SELECT a.attnotnull AS required, (SELECT count(*)::int FROM pg_constraint c WHERE c.conrelid = 'item'::regclass AND c.contype = 'c') AS checks
         FROM pg_attribute a WHERE a.attrelid = 'item'::regclass AND a.attname = 'code'`,
      ),
    ).toEqual([{ required: true, checks: 0 }]);
    expect(await db.query('SELECT count(*)::int AS n FROM item')).toEqual([{ n: 5000 }]);
    expect(await db.query('SELECT count(*)::int AS n FROM _dazzle_revision_progress')).toEqual([{ n: 0 }]);
    expect(
      await db.query(
        `SELECT count(*)::int AS n FROM "_dazzle_migrations" WHERE id LIKE '%index_item_by_name'`,
      ),
    ).toEqual([{ n: 1 }]);
  });

  it('builds a hand-written CREATE INDEX CONCURRENTLY; check names the @Index to declare (exit 1), then passes (exit 0)', async () => {
    await ok('db', 'revision', '--empty', '-m', 'index item by code');
    const file = revisionFile(app, 'index_item_by_code');
    fillEmptyRevision(
      file,
      ['CREATE INDEX CONCURRENTLY "item_code_idx" ON "item" ("code")'],
      ['DROP INDEX CONCURRENTLY "item_code_idx"'],
    );
    writeFileSync(file, readFileSync(file, 'utf8').replace('transactional: true', 'transactional: false'));
    await ok('db', 'rehash');
    await ok('db', 'upgrade');
    expect(await indexValid('item_code_idx')).toEqual([{ valid: true }]);

    const undeclared = await run('db', 'check');
    expect(undeclared.code, undeclared.stderr).toBe(1);
    const said = `${undeclared.stdout}\n${undeclared.stderr}`;
    expect(said).toContain(
      `index "item_code_idx" on item is made by a revision but no entity declares it: add @Index('item_code_idx', ['code']) to the class of entity Item`,
    );
    expect(said).not.toContain('DROP INDEX');

    writeFiles(app, { 'src/item.ts': CODE_INDEXED_ITEM });
    const declared = await run('db', 'check');
    expect(declared.code, `${declared.stdout}\n${declared.stderr}`).toBe(0);
    expect(declared.stdout).toContain(
      'OK: the database is at heads and the revisions reproduce the entities.',
    );
    expect(await indexValid('item_code_idx')).toEqual([{ valid: true }]);
    expect(await db.query('SELECT count(*)::int AS n FROM item')).toEqual([{ n: 5000 }]);
  });

  it('retries a revision that hit lock_timeout, printing each retry: REVISION_LOCK_TIMEOUT at the last, success once the lock is free', async () => {
    writeFiles(app, { 'dazzle.config.ts': LOCK_CONFIG });
    await ok('db', 'revision', '--empty', '-m', 'add note');
    fillEmptyRevision(
      revisionFile(app, 'add_note'),
      ['ALTER TABLE "item" ADD "note" text'],
      ['ALTER TABLE "item" DROP COLUMN "note"'],
    );
    await ok('db', 'rehash');
    // A reader whose open transaction holds ACCESS SHARE on item, as a long report would.
    const holder = new pg.Client({ connectionString: db.url() });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT count(*) FROM item');
    try {
      const refused = await run('db', 'upgrade');
      const line = expectRefusal(refused, 'REVISION_LOCK_TIMEOUT');
      expect(line).toContain('add_note');
      expect(line).toContain('lock_timeout of 100 ms');
      for (const attempt of [1, 2, 3]) expect(refused.stderr).toContain(`retry ${attempt} of 3`);
      expect(await hasNote()).toBe(false);

      const upgrade = watchDazzle(app, ['db', 'upgrade']);
      await upgrade.waitForStderr(/retry 1 of 3/);
      await holder.query('COMMIT');
      const result = await upgrade.ended;
      expect(result.code, result.stderr).toBe(0);
      expect(await hasNote()).toBe(true);
    } finally {
      await holder.end();
    }
  });

  it('backfills with batchUpdate in committed batches, a progress line each', async () => {
    await ok('db', 'revision', '--empty', '-m', 'backfill item note');
    const file = revisionFile(app, 'backfill_item_note');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('transactional: true', 'transactional: false')
        .replace(
          "import type { QueryRunner } from 'typeorm';",
          "import { batchUpdate } from '@app/cli';\nimport type { QueryRunner } from 'typeorm';",
        )
        .replace(
          '  // Nothing to do.\n',
          `  await batchUpdate(db, 'item', \`"note" = 'N' || "id"\`, '"note" IS NULL', { batchSize: 2000 });\n`,
        ),
    );
    await ok('db', 'rehash');
    const backfill = await ok('db', 'upgrade');
    for (const rows of [2000, 4000, 5000])
      expect(backfill.stderr).toContain(`batchUpdate item: ${rows} rows in`);
    expect(
      await db.query(`SELECT count(*)::int AS n FROM item WHERE "note" IS DISTINCT FROM 'N' || "id"`),
    ).toEqual([{ n: 0 }]);
  });

  it('downgrade refuses to drop the backfilled column, naming it and its count; with --allow-destructive it undoes all four revisions and keeps the rows', async () => {
    const refused = expectRefusal(await run('db', 'downgrade', '-4'), 'DOWNGRADE_DESTROYS_DATA');
    expect(refused).toMatch(/column "item"\."note" \(5000 values\): nothing was reverted\./);
    expect(await indexValid('item_code_idx')).toEqual([{ valid: true }]);

    const downgrade = await ok('db', 'downgrade', '-4', '--allow-destructive');
    expect(downgrade.stdout).toMatch(
      /Destroyed column "item"\."note" \(5000 values\) \(revision \S+_add_note\)\./,
    );
    expect(downgrade.stdout).toMatch(/Reverted 4 revisions/);
    expect(
      await db.query(`SELECT to_regclass('item_name_idx') AS name, to_regclass('item_code_idx') AS code`),
    ).toEqual([{ name: null, code: null }]);
    expect(
      await db.query(
        `SELECT attnotnull AS required FROM pg_attribute WHERE attrelid = 'item'::regclass AND attname = 'code'`,
      ),
    ).toEqual([{ required: false }]);
    expect(
      await db.query(`SELECT 1 FROM pg_attribute WHERE attrelid = 'item'::regclass AND attname = 'note'`),
    ).toEqual([]);
    expect(await db.query('SELECT count(*)::int AS n FROM item')).toEqual([{ n: 5000 }]);
  });

  it('stops the embedded server when the last command ends', async () => {
    const postmaster = runningPostmaster(app);
    expect(postmaster).toBeDefined();
    db.release();
    const current = await ok('db', 'current');
    expect(current.stdout).toMatch(/create_item/);
    await waitFor(() => runningPostmaster(app) === undefined);
  });
});
