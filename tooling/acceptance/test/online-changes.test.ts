import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { expectRefusal } from './harness/failures';
import { itemEntity } from './harness/fixtures';
import { fillEmptyRevision, revisionFile } from './harness/revisions';
import { watchDazzle } from './harness/watched-run';

const LOCK_CONFIG = `import { defineConfig } from '@app/cli';
import { Item } from './src/item';

export default defineConfig({ entities: [Item], migrations: { lockTimeoutMs: 100, lockRetries: 3 } });
`;

/** An app on its own database with `item` created, plus a session that can hold item's lock. */
function appWithBusyTable(label: string, config: string) {
  const ctx = { app: '', db: undefined as unknown as TestDatabase, env: {} as NodeJS.ProcessEnv };
  const run = (...args: string[]) => dazzle(ctx.app, args, ctx.env);
  beforeAll(async () => {
    ctx.app = newApp(label);
    ctx.db = await createTestDatabase(`acc_${label}`);
    ctx.env = { DATABASE_URL: ctx.db.url };
    writeFiles(ctx.app, { 'dazzle.config.ts': config, 'src/item.ts': itemEntity() });
    expect((await run('db', 'revision', '-m', 'create item')).code).toBe(0);
    const upgrade = await run('db', 'upgrade');
    expect(upgrade.code, upgrade.stderr).toBe(0);
  });
  afterAll(() => ctx.db?.drop());
  /** A reader whose open transaction holds ACCESS SHARE on item, as a long report would. */
  const holdItem = async () => {
    const holder = new pg.Client({ connectionString: ctx.db.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT * FROM item');
    return holder;
  };
  const columns = async () =>
    (
      await queryDatabase<{ c: string }>(
        ctx.db.url,
        `SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'item' ORDER BY 1`,
      )
    ).map((r) => r.c);
  return { ctx, run, holdItem, columns };
}

describe('lock discipline: a revision never queues behind a long transaction for long', () => {
  const { ctx, run, holdItem, columns } = appWithBusyTable('lock-discipline', LOCK_CONFIG);

  it('retries a revision that hit lock_timeout, printing each retry: REVISION_LOCK_TIMEOUT at the last, success once the lock is free', async () => {
    expect((await run('db', 'revision', '--empty', '-m', 'add note')).code).toBe(0);
    const file = revisionFile(ctx.app, 'add_note');
    fillEmptyRevision(
      file,
      ['ALTER TABLE "item" ADD "note" text'],
      ['ALTER TABLE "item" DROP COLUMN "note"'],
    );
    expect((await run('db', 'rehash')).code).toBe(0);
    const holder = await holdItem();
    try {
      const refused = await run('db', 'upgrade');
      const line = expectRefusal(refused, 'REVISION_LOCK_TIMEOUT');
      expect(line).toContain('add_note');
      expect(line).toContain('lock_timeout of 100 ms');
      for (const attempt of [1, 2, 3]) expect(refused.stderr).toContain(`retry ${attempt} of 3`);
      expect(await columns()).toEqual(['code', 'id', 'name']);

      // The same wait again, but the long transaction ends while the revision is being retried.
      const upgrade = watchDazzle(ctx.app, ['db', 'upgrade'], ctx.env);
      await upgrade.waitForStderr(/retry 1 of 3/);
      await holder.query('COMMIT');
      const result = await upgrade.ended;
      expect(result.code, result.stderr).toBe(0);
      expect(await columns()).toEqual(['code', 'id', 'name', 'note']);
    } finally {
      await holder.end();
    }
  });
});
