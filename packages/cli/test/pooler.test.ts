import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEASE_NAME, LEASE_TTL_MS } from '@app/migrator';
import {
  createTestDatabase,
  type PgBouncer,
  pgBouncerUnavailableReason,
  queryDatabase,
  startPgBouncer,
  type TestDatabase,
  waitForRows,
} from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChainRevision, chainApp, chainConfig } from './helpers/chain-app';
import { dazzle, removeTempApps, spawnDazzle } from './helpers/temp-app';

/**
 * The migration lock through a real PgBouncer, in transaction and in session pooling: 16 `dazzle db
 * upgrade` processes at once apply every revision once and leave no lock behind, a runner killed in
 * the middle frees the lock within the lease's TTL, and what cannot work through a transaction
 * pooler is refused in one line that names `database.directUrl`.
 */

const unavailable = pgBouncerUnavailableReason();
console.log(
  unavailable
    ? `[dazzle/pooler] PgBouncer tests SKIPPED: ${unavailable}`
    : '[dazzle/pooler] PgBouncer tests RAN: transaction and session pooling',
);

const REVISIONS = 12;

/** A chain of revisions that each log themselves once, then the extra ones. */
function appWithChain(count: number, extra: ChainRevision[] = []) {
  return chainApp([
    ...Array.from({ length: count }, (_, i) => ({
      message: `table ${i}`,
      up: [`CREATE TABLE IF NOT EXISTS t${i} (id int)`, `INSERT INTO applied_log (revision) VALUES (${i})`],
    })),
    ...extra,
  ]);
}

async function leaseHeld(url: string): Promise<boolean> {
  const rows = await queryDatabase(
    url,
    'SELECT 1 FROM _dazzle_migration_lease WHERE name = $1 AND holder IS NOT NULL AND expires_at > clock_timestamp()',
    [LEASE_NAME],
  );
  return rows.length > 0;
}

/** Session advisory locks left on any connection to this database (what the old lock leaked). */
async function advisoryLocks(url: string): Promise<number> {
  const [row] = await queryDatabase<{ n: number }>(
    url,
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return row!.n;
}

describe.skipIf(unavailable !== undefined)('the migration lock through PgBouncer', () => {
  const bouncers: Partial<Record<'transaction' | 'session', PgBouncer>> = {};
  const databases: TestDatabase[] = [];
  let server: TestDatabase;

  beforeAll(async () => {
    server = await createTestDatabase('pooler_probe');
    databases.push(server);
    bouncers.transaction = await startPgBouncer(server.url, 'transaction');
    bouncers.session = await startPgBouncer(server.url, 'session');
  });

  afterAll(async () => {
    for (const bouncer of Object.values(bouncers)) await bouncer?.stop();
    for (const db of databases) await db.drop();
    await removeTempApps();
  });

  it.each(['transaction', 'session'] as const)(
    '%s pooling: 16 runners at once apply each revision once and leave no lock behind',
    async (mode) => {
      const db = await createTestDatabase(`pooler_${mode}`);
      databases.push(db);
      await queryDatabase(db.url, 'CREATE TABLE applied_log (revision int)');
      const { app, ids } = appWithChain(REVISIONS);
      const env = { DATABASE_URL: bouncers[mode]!.urlFor(db.url) };
      const runs = await Promise.all(
        Array.from({ length: 16 }, () => dazzle(app, ['db', 'upgrade', '--lock-timeout', '120000'], env)),
      );
      for (const run of runs) expect(run.code, `${run.stderr}\n${bouncers[mode]!.log()}`).toBe(0);
      expect(await queryDatabase(db.url, 'SELECT id FROM _dazzle_migrations ORDER BY id')).toEqual(
        ids.map((id) => ({ id })),
      );
      expect(
        await queryDatabase(
          db.url,
          'SELECT count(*)::int AS n, count(DISTINCT revision)::int AS d FROM applied_log',
        ),
      ).toEqual([{ n: REVISIONS, d: REVISIONS }]);
      expect(await leaseHeld(db.url)).toBe(false);
      expect(await advisoryLocks(db.url)).toBe(0);
      // Nothing left behind: a direct runner with a short wait gets the lock at once.
      const direct = await dazzle(app, ['db', 'upgrade', '--lock-timeout', '1000'], { DATABASE_URL: db.url });
      expect(direct.code, direct.stderr).toBe(0);
    },
    240_000,
  );

  it('transaction pooling: a runner killed mid-revision frees the lock within the lease TTL, and a rerun finishes', async () => {
    const db = await createTestDatabase('pooler_kill');
    databases.push(db);
    await queryDatabase(db.url, 'CREATE TABLE applied_log (revision int)');
    await queryDatabase(db.url, 'CREATE TABLE slow_mode (on_ boolean)');
    await queryDatabase(db.url, 'INSERT INTO slow_mode VALUES (true)');
    const { app, ids } = appWithChain(1, [
      {
        message: 'long revision',
        up: [
          'INSERT INTO applied_log (revision) VALUES (100)',
          'SELECT pg_sleep(CASE WHEN EXISTS (SELECT 1 FROM slow_mode) THEN 30 ELSE 0 END)',
        ],
      },
    ]);
    const env = { DATABASE_URL: bouncers.transaction!.urlFor(db.url) };
    const child = spawnDazzle(app, ['db', 'upgrade'], env);
    const exited = new Promise((resolve) => child.on('close', resolve));
    await waitForRows(
      db.url,
      `SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(CASE%' AND state = 'active'`,
      { timeoutMs: 60_000 },
    );
    expect(await leaseHeld(db.url)).toBe(true);
    child.kill('SIGKILL');
    await exited;
    const freedBy = Date.now() + LEASE_TTL_MS + 5_000;
    while ((await leaseHeld(db.url)) && Date.now() < freedBy) await new Promise((r) => setTimeout(r, 200));
    expect(await leaseHeld(db.url)).toBe(false);

    await queryDatabase(db.url, 'DELETE FROM slow_mode');
    const rerun = await dazzle(app, ['db', 'upgrade', '--lock-timeout', '5000'], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await queryDatabase(db.url, 'SELECT id FROM _dazzle_migrations ORDER BY id')).toEqual(
      ids.map((id) => ({ id })),
    );
    // The killed run's transaction never committed: its log row is gone, the rerun's is there once.
    expect(
      await queryDatabase(db.url, 'SELECT count(*)::int AS n FROM applied_log WHERE revision = 100'),
    ).toEqual([{ n: 1 }]);
    await queryDatabase(
      db.url,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(CASE%' AND pid <> pg_backend_pid()`,
    );
  }, 120_000);

  it('transaction pooling: a session SET is refused in one line naming database.directUrl, which then runs it', async () => {
    const db = await createTestDatabase('pooler_session_set');
    databases.push(db);
    await queryDatabase(db.url, 'CREATE TABLE applied_log (revision int)');
    const { app, ids } = appWithChain(1, [
      { message: 'session setting', up: ['SET statement_timeout = 0', 'CREATE TABLE after_set (id int)'] },
    ]);
    const pooled = bouncers.transaction!.urlFor(db.url);
    const refused = await dazzle(app, ['db', 'upgrade'], { DATABASE_URL: pooled });
    expect(refused.code).toBe(1);
    const errorLines = refused.stderr.split('\n').filter((line) => line.startsWith('Error '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(
      new RegExp(
        `^Error POOLER_SESSION_STATE: Revision ${ids[1]} uses a session setting \\(SET statement_timeout = 0\\).*database\\.directUrl`,
      ),
    );
    expect(await queryDatabase(db.url, 'SELECT id FROM _dazzle_migrations')).toEqual([{ id: ids[0] }]);
    expect(await queryDatabase(db.url, `SELECT to_regclass('after_set') IS NULL AS absent`)).toEqual([
      { absent: true },
    ]);
    expect(await leaseHeld(db.url)).toBe(false);

    writeFileSync(join(app, 'dazzle.config.ts'), chainConfig(`{ directUrl: ${JSON.stringify(db.url)} }`));
    const direct = await dazzle(app, ['db', 'upgrade'], { DATABASE_URL: pooled });
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.stderr).toContain('Migrating through database.directUrl: ');
    expect(direct.stderr).toMatch(/Migrating through database\.directUrl: postgres:\/\/[^:\s]+:\*\*\*@/);
    expect(await queryDatabase(db.url, 'SELECT id FROM _dazzle_migrations ORDER BY id')).toEqual(
      ids.map((id) => ({ id })),
    );
  }, 120_000);
});
