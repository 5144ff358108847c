import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { expectRefusal } from './harness/failures';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { fillEmptyRevision, revisionFile, revisionFiles } from './harness/revisions';
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

describe('a CREATE INDEX CONCURRENTLY revision killed in the middle of its build', () => {
  const { ctx, run } = appWithBusyTable('killed-concurrently', ITEM_CONFIG);
  const idOf = (file: string) => basename(file).replace(/\.ts$/, '');
  const nameIndex = () =>
    queryDatabase(
      ctx.db.url,
      `SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass('item_name_idx')`,
    );

  it('is refused by name with its INVALID index until `dazzle db resolve` records what was done', async () => {
    expect((await run('db', 'revision', '--empty', '-m', 'index item by name')).code).toBe(0);
    const file = revisionFile(ctx.app, 'index_item_by_name');
    fillEmptyRevision(
      file,
      ['CREATE INDEX CONCURRENTLY "item_name_idx" ON "item" ("name")'],
      ['DROP INDEX CONCURRENTLY "item_name_idx"'],
    );
    writeFileSync(file, readFileSync(file, 'utf8').replace('transactional: true', 'transactional: false'));
    expect((await run('db', 'rehash')).code).toBe(0);
    const id = idOf(file);

    // An open write: the concurrent build creates its index, then waits for the writer to finish.
    const writer = new pg.Client({ connectionString: ctx.db.url });
    await writer.connect();
    await writer.query('BEGIN');
    await writer.query(`INSERT INTO item (name) VALUES ('in flight')`);
    try {
      const upgrade = watchDazzle(ctx.app, ['db', 'upgrade'], ctx.env);
      await upgrade.waitForStderr(/index_item_by_name/);
      let waiting = false;
      for (let i = 0; i < 600 && !waiting; i++) {
        const rows = await queryDatabase(
          ctx.db.url,
          `SELECT 1 FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY "item_name_idx"%' AND wait_event_type = 'Lock'`,
        );
        waiting = rows.length > 0;
        if (!waiting) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(waiting, 'the concurrent build never waited for the open write').toBe(true);
      upgrade.child.kill('SIGKILL');
      expect((await upgrade.ended).signal).toBe('SIGKILL');
      // PostgreSQL notices the dead client (client_connection_check_interval) and ends the build;
      // the write stays open until then, as a busy table's writes would.
      let building = true;
      for (let i = 0; i < 300 && building; i++) {
        const rows = await queryDatabase(
          ctx.db.url,
          `SELECT 1 FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY "item_name_idx"%'`,
        );
        building = rows.length > 0;
        if (building) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(building, "the killed runner's session outlived it").toBe(false);
    } finally {
      await writer.query('ROLLBACK');
      await writer.end();
    }
    expect(await nameIndex()).toEqual([{ valid: false }]);

    const refused = expectRefusal(await run('db', 'upgrade'), 'REVISION_INCOMPLETE');
    expect(refused).toContain(`Revision ${id}`);
    expect(refused).toContain('was interrupted upgrading at statement 1');
    expect(refused).toContain('INVALID index "public"."item_name_idx" on "item"');
    expect(refused).toContain(`dazzle db resolve ${id} --rolled-back`);
    // Resolving is refused too while the invalid index is there; a revision with nothing to resolve is named.
    expectRefusal(await run('db', 'resolve', id, '--rolled-back'), 'REVISION_INCOMPLETE');
    const createItem = idOf(revisionFiles(ctx.app).find((f) => f.includes('create_item'))!);
    expect(
      expectRefusal(await run('db', 'resolve', createItem, '--applied'), 'REVISION_NOT_INCOMPLETE'),
    ).toContain(id);

    await queryDatabase(ctx.db.url, 'DROP INDEX CONCURRENTLY "item_name_idx"');
    const resolved = await run('db', 'resolve', id, '--rolled-back');
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stdout).toContain(`Recorded ${id} as rolled back`);
    const upgrade = await run('db', 'upgrade');
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(await nameIndex()).toEqual([{ valid: true }]);
    expect(
      await queryDatabase(ctx.db.url, 'SELECT method FROM "_dazzle_migrations" WHERE id = $1', [id]),
    ).toEqual([{ method: 'run' }]);
  });
});

describe('batchUpdate in a revision', () => {
  const { ctx, run } = appWithBusyTable('batch-update', ITEM_CONFIG);

  it('backfills in committed batches with a progress line each, from a revision importing it from @app/cli', async () => {
    await queryDatabase(
      ctx.db.url,
      `INSERT INTO item (name) SELECT 'item ' || g FROM generate_series(1, 25) g`,
    );
    expect((await run('db', 'revision', '--empty', '-m', 'backfill item code')).code).toBe(0);
    const file = revisionFile(ctx.app, 'backfill_item_code');
    const text = readFileSync(file, 'utf8')
      .replace('transactional: true', 'transactional: false')
      .replace(
        "import type { QueryRunner } from 'typeorm';",
        "import { batchUpdate } from '@app/cli';\nimport type { QueryRunner } from 'typeorm';",
      )
      .replace(
        '  // Nothing to do.\n',
        `  await batchUpdate(db, 'item', \`"code" = 'C' || "id"\`, '"code" IS NULL', { batchSize: 10 });\n`,
      );
    writeFileSync(file, text);
    expect((await run('db', 'rehash')).code).toBe(0);
    const upgrade = await run('db', 'upgrade');
    expect(upgrade.code, upgrade.stderr).toBe(0);
    for (const rows of [10, 20, 25]) expect(upgrade.stderr).toContain(`batchUpdate item: ${rows} rows in`);
    expect(
      await queryDatabase(
        ctx.db.url,
        `SELECT count(*)::int AS n FROM item WHERE "code" IS DISTINCT FROM 'C' || "id"`,
      ),
    ).toEqual([{ n: 0 }]);
  });
});
