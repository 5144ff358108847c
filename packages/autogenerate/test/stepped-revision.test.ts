import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { LEASE_NAME, LEASE_TTL_MS, Migrator, type MigratorEvent, type RevisionInfo } from '@app/migrator';
import { createTestDatabase, type TestDatabase, waitForRows } from '@app/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeRevision } from '../src';
import { ledgerIds, sql } from './helpers/catalog';
import { withMigrator as migratorOn } from './helpers/migrator';
import { refusal } from './helpers/refusal';
import { nextTime, tempDir } from './helpers/revision-folders';

const UPGRADE_PROCESS = join(__dirname, 'helpers', 'upgrade-process.cjs');

function runUpgradeProcess(
  url: string,
  dir: string,
): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [UPGRADE_PROCESS, url, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, done };
}

/** Step 2 sleeps while slow_mode has a row: the test kills the runner there. */
const SLEEP_IN_STEP_2 = 'SELECT pg_sleep(CASE WHEN EXISTS (SELECT 1 FROM slow_mode) THEN 60 ELSE 0 END)';

function writeStepped(dir: string): RevisionInfo {
  return writeRevision({
    dir,
    lineage: 'app',
    message: 'stepped',
    parents: [],
    transactional: false,
    steps: {
      up: [
        { statements: 2, transaction: true },
        { statements: 3, transaction: false },
        { statements: 2, transaction: true },
      ],
      down: [
        { statements: 1, transaction: false },
        { statements: 1, transaction: true },
      ],
    },
    up: [
      // Step 1: would fail if run twice (the table exists), and logs itself.
      { sql: 'CREATE TABLE step_log (step int, at timestamptz DEFAULT clock_timestamp())' },
      { sql: 'INSERT INTO step_log (step) VALUES (1)' },
      // Step 2: outside a transaction, with its own recovery first.
      { sql: SLEEP_IN_STEP_2 },
      { sql: 'DROP INDEX CONCURRENTLY IF EXISTS "public"."item_v_idx"' },
      { sql: 'CREATE INDEX CONCURRENTLY "item_v_idx" ON "item" ("v")' },
      // Step 3: a constraint validated against the rows.
      { sql: 'ALTER TABLE "item" ADD CONSTRAINT "item_v_positive" CHECK ("v" > 0) NOT VALID' },
      { sql: 'ALTER TABLE "item" VALIDATE CONSTRAINT "item_v_positive"' },
    ],
    down: [
      { sql: 'DROP INDEX CONCURRENTLY IF EXISTS "public"."item_v_idx"' },
      { sql: 'ALTER TABLE "item" DROP CONSTRAINT "item_v_positive"; DROP TABLE step_log' },
    ],
    now: nextTime(),
  });
}

describe('a stepped revision (transactional and non-transactional steps)', () => {
  let db: TestDatabase;
  let dir: string;
  const progress = () =>
    sql(db.url, 'SELECT id, direction, state, statements_done FROM _dazzle_revision_progress');
  const steps = async () =>
    (await sql<{ step: number }>(db.url, 'SELECT step FROM step_log ORDER BY at')).map((r) => r.step);
  const validIndex = () =>
    sql(
      db.url,
      `SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass('item_v_idx')`,
    );
  const withMigrator = <T>(work: (m: Migrator) => Promise<T>) =>
    migratorOn(db.url, [{ lineage: 'app', dir }], work);

  beforeEach(async () => {
    db = await createTestDatabase('stepped');
    dir = tempDir('dazzle-stepped-');
    await sql(
      db.url,
      'CREATE TABLE slow_mode (on_ boolean); CREATE TABLE item (id serial PRIMARY KEY, v int); INSERT INTO item (v) SELECT g FROM generate_series(1, 2000) g',
    );
  });
  afterEach(() => db.drop());

  it('a runner SIGKILLed between steps leaves the finished steps recorded, and a rerun resumes at the step it was in', async () => {
    const revision = writeStepped(dir);
    await sql(db.url, 'INSERT INTO slow_mode VALUES (true)');
    const { child, done } = runUpgradeProcess(db.url, dir);
    await waitForRows(
      db.url,
      `SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(CASE%' AND state = 'active'`,
      { timeoutMs: 60_000 },
    );
    child.kill('SIGKILL');
    expect((await done).code).toBe(null);
    // The killed runner's backend would sleep on; end it, as its lease lapses on its own.
    await sql(
      db.url,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(CASE%'`,
    );
    expect(await progress()).toEqual([
      { id: revision.id, direction: 'up', state: 'step-running', statements_done: 2 },
    ]);
    expect(await steps()).toEqual([1]);
    expect(await ledgerIds(db.url)).toEqual([]);

    await sql(db.url, 'DELETE FROM slow_mode');
    const freedBy = Date.now() + LEASE_TTL_MS + 5_000;
    let rerun = await runUpgradeProcess(db.url, dir).done;
    while (rerun.code !== 0 && /MIGRATION_LOCK/.test(rerun.stderr) && Date.now() < freedBy)
      rerun = await runUpgradeProcess(db.url, dir).done;
    expect(rerun.code, rerun.stderr).toBe(0);
    // Step 1 ran once (running it again would have failed on CREATE TABLE); steps 2 and 3 ran.
    expect(await steps()).toEqual([1]);
    expect(await validIndex()).toEqual([{ valid: true }]);
    expect(
      await sql(db.url, `SELECT convalidated FROM pg_constraint WHERE conname = 'item_v_positive'`),
    ).toEqual([{ convalidated: true }]);
    expect(await ledgerIds(db.url)).toEqual([revision.id]);
    expect(await progress()).toEqual([]);
    expect(LEASE_NAME).toBe('migrate');
  }, 120_000);

  it('a step that fails is recorded, the next upgrade resumes at it once the data is fixed, and downgrade runs the down steps', async () => {
    const revision = writeStepped(dir);
    await sql(db.url, 'INSERT INTO item (v) VALUES (-1)');
    const failed = await refusal(withMigrator((m) => m.upgrade()));
    expect(failed.code).toBe('MIGRATION_FAILED');
    expect(failed.message).toContain('It stopped in step 3 of 3');
    expect(failed.message).toContain('resumes at step 3');
    expect(await progress()).toEqual([
      { id: revision.id, direction: 'up', state: 'step-failed', statements_done: 5 },
    ]);
    // The transaction of step 3 was rolled back whole: no NOT VALID constraint is left behind.
    expect(await sql(db.url, `SELECT 1 FROM pg_constraint WHERE conname = 'item_v_positive'`)).toEqual([]);
    // A downgrade does not run over a revision stopped while upgrading.
    expect((await refusal(withMigrator((m) => m.downgrade('base')))).code).toBe('REVISION_INCOMPLETE');

    await sql(db.url, 'DELETE FROM item WHERE v < 0');
    const events: MigratorEvent[] = [];
    const resumed = await Migrator.connect({
      databaseUrl: db.url,
      sources: [{ lineage: 'app', dir }],
      onEvent: (e) => events.push(e),
    });
    await resumed.upgrade().finally(() => resumed.close());
    expect(events.flatMap((e) => (e.type === 'revision-step' ? [e.step] : []))).toEqual([
      { revision: revision.id, step: 3, of: 3, transaction: true, resumed: true },
    ]);
    expect(await steps()).toEqual([1]);
    expect(await validIndex()).toEqual([{ valid: true }]);
    expect(await ledgerIds(db.url)).toEqual([revision.id]);
    expect(await progress()).toEqual([]);

    await withMigrator((m) => m.downgrade('base', { allowDestructive: true }));
    expect(await ledgerIds(db.url)).toEqual([]);
    expect(await validIndex()).toEqual([]);
    expect(await sql(db.url, `SELECT to_regclass('step_log') AS t`)).toEqual([{ t: null }]);
  }, 60_000);

  it('renders for upgrade --sql with each transactional step in BEGIN … COMMIT and the others bare', async () => {
    writeStepped(dir);
    const script = await withMigrator((m) => m.renderUpgradeSql());
    const body = script.slice(script.indexOf('-- Upgrade app revision'));
    expect(body).toContain('-- Step 1 of 3, in one transaction\nBEGIN;\nCREATE TABLE step_log');
    expect(body).toContain(
      'INSERT INTO step_log (step) VALUES (1);\nCOMMIT;\n-- Step 2 of 3, outside a transaction\nSELECT pg_sleep',
    );
    expect(body).toContain(
      'CREATE INDEX CONCURRENTLY "item_v_idx" ON "item" ("v");\n-- Step 3 of 3, in one transaction\nBEGIN;',
    );
    expect(body).toMatch(/VALIDATE CONSTRAINT "item_v_positive";\nCOMMIT;\nINSERT INTO "_dazzle_migrations"/);
  });

  it('refuses a header whose steps do not count the statements before any revision of the plan runs', async () => {
    const first = writeRevision({
      dir,
      lineage: 'app',
      message: 'first',
      parents: [],
      up: [{ sql: 'CREATE TABLE first_one (id int)' }],
      down: [{ sql: 'DROP TABLE first_one' }],
      now: nextTime(),
    });
    const revision = writeRevision({
      dir,
      lineage: 'app',
      message: 'miscounted',
      parents: [first.id],
      transactional: false,
      steps: { up: [{ statements: 1, transaction: true }], down: [] },
      up: [{ sql: 'CREATE TABLE a (id int)' }, { sql: 'CREATE TABLE b (id int)' }],
      down: [],
      now: nextTime(),
    });
    const refused = await refusal(withMigrator((m) => m.upgrade()));
    expect(refused.code).toBe('REVISION_INVALID');
    expect(refused.message).toContain(`Revision ${revision.id}`);
    expect(refused.message).toContain('declares steps of 1 statements, but sends 2');
    expect(await sql(db.url, `SELECT to_regclass('a') AS t, to_regclass('first_one') AS f`)).toEqual([
      { t: null, f: null },
    ]);
  });
});
