import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, startServe, writeFiles } from './harness/app';
import { embeddedUrl, isAlive, runningPostmaster, waitFor } from './harness/embedded';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';

const CASES = [
  ['embedded default', 'SIGINT'],
  ['embedded default', 'SIGTERM'],
  ['DATABASE_URL', 'SIGINT'],
  ['DATABASE_URL', 'SIGTERM'],
] as const;

describe('dazzle serve stops gracefully', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it.each(CASES)(
    'on the %s, %s lets a slow request in flight finish, then exits 0',
    async (provider, signal) => {
      const app = newApp(`signal-${signal.toLowerCase()}`);
      writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
      let env: NodeJS.ProcessEnv = {};
      if (provider === 'DATABASE_URL') {
        const db = await createTestDatabase('acceptance_signal');
        databases.push(db);
        env = { DATABASE_URL: db.url };
      }
      expect((await dazzle(app, ['db', 'revision', '-m', 'create item'], env)).code).toBe(0);

      const serving = await startServe(app, [], env);
      const postmaster = provider === 'embedded default' ? runningPostmaster(app) : undefined;
      const url = env.DATABASE_URL ?? embeddedUrl(postmaster!.port);
      const created = await fetch(`${serving.url}/api/item`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'before' }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: number };

      // A real slow request: the PATCH waits on a row lock held from outside until we let it go.
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM item WHERE id = $1 FOR UPDATE', [id]);
      const patch = fetch(`${serving.url}/api/item/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'after' }),
      });
      await waitFor(async () => {
        const { rows } = await holder.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        );
        return rows[0].n > 0;
      }, 60_000);

      serving.child.kill(signal);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(serving.child.exitCode, 'serve exited with a request still in flight').toBeNull();
      await holder.query('COMMIT');
      await holder.end();

      const response = await patch;
      expect(response.status).toBe(200);
      const ended = await serving.ended;
      expect(ended.code, ended.stderr).toBe(0);
      expect(ended.signal).toBeNull();
      if (provider === 'DATABASE_URL') {
        expect(await queryDatabase(url, 'SELECT name FROM item WHERE id = $1', [id])).toEqual([
          { name: 'after' },
        ]);
      } else {
        expect(isAlive(postmaster!.pid), 'the embedded PostgreSQL serve started is stopped with it').toBe(
          false,
        );
      }
    },
  );
});
