/**
 * The migration lock as an installed app meets it in production: a runner whose lease was taken
 * from under it cannot commit (MIGRATION_LOCK_LOST), and behind PgBouncer in transaction pooling a
 * revision that needs session state is refused with the fix (POOLER_SESSION_STATE), which
 * `database.directUrl` then runs. Without PgBouncer installed, the pooler case is skipped, says so,
 * and is listed for the error-coverage check as unavailable on this machine.
 */
import { appendFileSync } from 'node:fs';
import { LEASE_NAME } from '@app/migrator';
import {
  createTestDatabase,
  type PgBouncer,
  pgBouncerUnavailableReason,
  queryDatabase,
  startPgBouncer,
  type TestDatabase,
} from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { CODES_UNAVAILABLE_FILE } from './harness/codes-seen';
import { expectRefusal } from './harness/failures';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { fillEmptyRevision, revisionFile } from './harness/revisions';

const unavailable = pgBouncerUnavailableReason();
console.log(
  unavailable
    ? `[dazzle/pooler] acceptance PgBouncer test SKIPPED: ${unavailable}`
    : '[dazzle/pooler] acceptance PgBouncer test RAN (transaction pooling)',
);
if (unavailable) appendFileSync(CODES_UNAVAILABLE_FILE, `POOLER_SESSION_STATE\t${unavailable}\n`);

// URL only: a pooler stands in front of a server named by URL; the embedded default is reached
// directly on loopback, with no pooler between (docs/testing.md, acceptance on the embedded default).
describe('the migration lock in production', () => {
  let app: string;
  let db: TestDatabase;
  let bouncer: PgBouncer | undefined;
  const env = () => ({ DATABASE_URL: db.url });
  const ledger = async () =>
    (await queryDatabase<{ id: string }>(db.url, 'SELECT id FROM _dazzle_migrations'))
      .map((r) => r.id)
      .sort();

  async function revisionWith(message: string, up: string[]): Promise<string> {
    const written = await dazzle(app, ['db', 'revision', '--empty', '-m', message], env());
    expect(written.code, written.stderr).toBe(0);
    const file = revisionFile(app, message.replace(/ /g, '_'));
    fillEmptyRevision(file, up, []);
    const rehash = await dazzle(app, ['db', 'rehash'], env());
    expect(rehash.code, rehash.stderr).toBe(0);
    return file;
  }

  beforeAll(async () => {
    app = newApp('poolers');
    db = await createTestDatabase('acc_poolers');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    expect((await dazzle(app, ['db', 'revision', '-m', 'create item'], env())).code).toBe(0);
    const upgrade = await dazzle(app, ['db', 'upgrade'], env());
    expect(upgrade.code, upgrade.stderr).toBe(0);
    if (!unavailable) bouncer = await startPgBouncer(db.url, 'transaction');
  });
  afterAll(async () => {
    await bouncer?.stop();
    await db?.drop();
  });

  it('MIGRATION_LOCK_LOST: a runner whose lease another runner took rolls its revision back', async () => {
    const before = await ledger();
    const file = await revisionWith('slow backfill', [
      'CREATE TABLE backfill_log (id int)',
      'SELECT pg_sleep(3)',
    ]);
    const running = dazzle(app, ['db', 'upgrade'], env());
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const sleeping = await queryDatabase(
        db.url,
        `SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(3)' AND state = 'active'`,
      );
      if (sleeping.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // What a second runner does once the first one's lease lapsed (a stalled process, a network split).
    await queryDatabase(
      db.url,
      `UPDATE _dazzle_migration_lease SET token = token + 1, holder = 'runner on host-b', expires_at = now() + interval '1 hour' WHERE name = $1`,
      [LEASE_NAME],
    );
    const line = expectRefusal(await running, 'MIGRATION_LOCK_LOST');
    expect(line).toContain(revisionFile(app, 'slow_backfill').split('/').pop()!.replace(/\.ts$/, ''));
    expect(await ledger()).toEqual(before);
    expect(await queryDatabase(db.url, `SELECT to_regclass('backfill_log') IS NULL AS absent`)).toEqual([
      { absent: true },
    ]);
    await queryDatabase(db.url, 'UPDATE _dazzle_migration_lease SET holder = NULL WHERE name = $1', [
      LEASE_NAME,
    ]);
    const rerun = await dazzle(app, ['db', 'upgrade'], env());
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await ledger()).toContain(file.split('/').pop()!.replace(/\.ts$/, ''));
  }, 120_000);

  it.skipIf(unavailable !== undefined)(
    'POOLER_SESSION_STATE through PgBouncer (transaction pooling); database.directUrl runs the same revision',
    async () => {
      const before = await ledger();
      const file = await revisionWith('set work mem', [
        'SET work_mem = 65536',
        'CREATE TABLE tuned (id int)',
      ]);
      const pooled = { DATABASE_URL: bouncer!.urlFor(db.url) };
      const line = expectRefusal(await dazzle(app, ['db', 'upgrade'], pooled), 'POOLER_SESSION_STATE');
      expect(line).toContain('database.directUrl');
      expect(await ledger()).toEqual(before);

      writeFiles(app, {
        'dazzle.config.ts': ITEM_CONFIG.replace(
          'entities: [Item]',
          `entities: [Item], database: { directUrl: ${JSON.stringify(db.url)} }`,
        ),
      });
      try {
        const direct = await dazzle(app, ['db', 'upgrade'], pooled);
        expect(direct.code, direct.stderr).toBe(0);
        expect(await ledger()).toContain(file.split('/').pop()!.replace(/\.ts$/, ''));
        expect(await queryDatabase(db.url, `SELECT to_regclass('tuned') IS NOT NULL AS made`)).toEqual([
          { made: true },
        ]);
      } finally {
        writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG });
      }
    },
    120_000,
  );
});
