import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  CREATE_MIGRATION_LEASE_SQL,
  LEASE_NAME,
  LEASE_TTL_MS,
  Migrator,
  type MigratorEvent,
} from '@app/migrator';
import { createTestDatabase, type TestDatabase, waitForRows } from '@app/testing';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerIds, sql } from './helpers/catalog';
import { tempDir, writeChain } from './helpers/revision-folders';

const UPGRADE_PROCESS = join(__dirname, 'helpers', 'upgrade-process.cjs');

function runUpgradeProcess(
  url: string,
  dir: string,
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [UPGRADE_PROCESS, url, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

async function lockHeld(url: string): Promise<boolean> {
  const rows = await sql(
    url,
    `SELECT 1 FROM _dazzle_migration_lease WHERE name = $1 AND holder IS NOT NULL AND expires_at > clock_timestamp()`,
    [LEASE_NAME],
  );
  return rows.length > 0;
}

describe('the migration lock', () => {
  let db: TestDatabase;
  let dir: string;

  beforeEach(async () => {
    db = await createTestDatabase('lock');
    dir = tempDir();
  });
  afterEach(() => db.drop());

  it('8 processes upgrading a fresh database at once apply each of 50 revisions exactly once', async () => {
    // IF NOT EXISTS makes double application silent, so only the ledger can show it: 50 rows, no duplicates.
    writeChain(
      dir,
      'app',
      Array.from({ length: 50 }, (_, i) => ({
        message: `table ${i}`,
        up: [
          `CREATE TABLE IF NOT EXISTS t${i} (id int)`,
          `INSERT INTO applied_log (revision) SELECT ${i} WHERE to_regclass('applied_log') IS NOT NULL`,
        ],
      })),
    );
    await sql(db.url, 'CREATE TABLE applied_log (revision int)');
    const runs = Array.from({ length: 8 }, () => runUpgradeProcess(db.url, dir));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const appliedCounts = results.map(
      (r) => (JSON.parse(r.stdout.trim()) as { applied: string[] }).applied.length,
    );
    expect(appliedCounts.reduce((a, b) => a + b, 0)).toBe(50);
    expect(await ledgerIds(db.url)).toHaveLength(50);
    const [row] = await sql<{ n: string; d: string }>(
      db.url,
      'SELECT count(*) AS n, count(DISTINCT revision) AS d FROM applied_log',
    );
    expect(row).toEqual({ n: '50', d: '50' });
  }, 120_000);

  it('a runner killed mid-revision leaves no ledger row, frees the lock, and a rerun succeeds', async () => {
    const [, slow] = writeChain(dir, 'app', [
      { message: 'create slow mode', up: ['CREATE TABLE IF NOT EXISTS slow_mode (on_ boolean)'] },
      {
        message: 'long revision',
        up: [
          'CREATE TABLE half_done (id int)',
          `SELECT pg_sleep(CASE WHEN EXISTS (SELECT 1 FROM slow_mode) THEN 60 ELSE 0 END)`,
        ],
      },
    ]);
    await sql(db.url, 'CREATE TABLE slow_mode (on_ boolean)');
    await sql(db.url, 'INSERT INTO slow_mode VALUES (true)');
    const { child, done } = runUpgradeProcess(db.url, dir);
    await waitForRows(
      db.url,
      `SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(CASE%' AND state = 'active'`,
      { timeoutMs: 30_000 },
    );
    expect(await lockHeld(db.url)).toBe(true);
    child.kill('SIGKILL');
    await done;
    // The dead runner stops renewing its lease, which lapses within LEASE_TTL_MS.
    const freedBy = Date.now() + LEASE_TTL_MS + 5_000;
    while ((await lockHeld(db.url)) && Date.now() < freedBy) await new Promise((r) => setTimeout(r, 100));
    expect(await lockHeld(db.url)).toBe(false);
    expect(await ledgerIds(db.url)).not.toContain(slow!.id);
    expect(await sql(db.url, `SELECT to_regclass('half_done') AS t`)).toEqual([{ t: null }]);

    await sql(db.url, 'DELETE FROM slow_mode');
    const rerun = await runUpgradeProcess(db.url, dir).done;
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await ledgerIds(db.url)).toContain(slow!.id);
  }, 90_000);

  it('waits for the holder, says who it is, and fails cleanly at the timeout', async () => {
    writeChain(dir, 'app', [{ message: 'one', up: ['CREATE TABLE one (id int)'] }]);
    // Another runner's lease, as it writes one: the bootstrap makes the table, the row names the holder.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query(CREATE_MIGRATION_LEASE_SQL);
    await holder.query(
      `INSERT INTO _dazzle_migration_lease (name, token, holder, holder_pid, acquired_at, expires_at)
       VALUES ($1, 7, 'release-step on build-7', 4242, now(), now() + interval '1 hour')
       ON CONFLICT (name) DO UPDATE SET token = 7, holder = EXCLUDED.holder, holder_pid = 4242, expires_at = EXCLUDED.expires_at`,
      [LEASE_NAME],
    );
    const events: MigratorEvent[] = [];
    const migrator = await Migrator.connect({
      databaseUrl: db.url,
      sources: [{ lineage: 'app', dir }],
      lockTimeoutMs: 300,
      onEvent: (e) => events.push(e),
    });
    try {
      const error = await migrator.upgrade().catch((e: unknown) => e as { code: string; message: string });
      expect(error).toMatchObject({ code: 'MIGRATION_LOCK_TIMEOUT' });
      expect((error as { message: string }).message).toMatch(/held by release-step on build-7 \(pid \d+\)/);
      expect(events[0]).toMatchObject({
        type: 'lock-wait',
        holder: { applicationName: 'release-step on build-7' },
      });

      // A patient runner waits as long as it takes and goes through the moment the lock is freed.
      const patient = await Migrator.connect({
        databaseUrl: db.url,
        sources: [{ lineage: 'app', dir }],
        lockTimeoutMs: 60_000,
      });
      try {
        const waiting = patient.upgrade();
        setTimeout(() => void holder.query('UPDATE _dazzle_migration_lease SET holder = NULL'), 200);
        expect((await waiting).revisions).toHaveLength(1);
      } finally {
        await patient.close();
      }
    } finally {
      await migrator.close();
      await holder.end();
    }
  });
});
