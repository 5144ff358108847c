/**
 * `serve` with `emptyDatabase: 'create-all'` treats a fresh database as `upgrade` does: when a
 * revision makes what the entities cannot describe (here a view), it replays every revision and
 * prints why, in the same one line `upgrade` prints, and the database holds what replay builds.
 */
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, startServe, writeFiles } from './harness/app';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { fillEmptyRevision, revisionFile } from './harness/revisions';

const CREATE_ALL_CONFIG = ITEM_CONFIG.replace(
  'defineConfig({ entities: [Item] })',
  "defineConfig({ entities: [Item], emptyDatabase: 'create-all' })",
);
const DECLINED =
  /create-all not used: revision \d{14}_named_items runs View, which the entities do not describe; replaying every revision instead\./;

describe("serve with emptyDatabase: 'create-all' and a hand-written view revision", () => {
  let app: string;
  const dbs: TestDatabase[] = [];
  const database = async (label: string) => {
    const db = await createTestDatabase(`acc_create_all_${label}`);
    dbs.push(db);
    return db;
  };

  beforeAll(async () => {
    app = newApp('create-all-fallback');
    writeFiles(app, { 'dazzle.config.ts': CREATE_ALL_CONFIG, 'src/item.ts': itemEntity() });
    const scratch = await database('scratch');
    const env = { DATABASE_URL: scratch.url };
    expect((await dazzle(app, ['db', 'revision', '-m', 'create item'], env)).code).toBe(0);
    expect((await dazzle(app, ['db', 'revision', '--empty', '-m', 'named items'], env)).code).toBe(0);
    fillEmptyRevision(
      revisionFile(app, 'named_items'),
      ['CREATE VIEW named_items AS SELECT id, name FROM item'],
      ['DROP VIEW named_items'],
    );
    expect((await dazzle(app, ['db', 'rehash'], env)).code).toBe(0);
  });
  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.drop()));
  });

  it('replays on a fresh database and prints the one-line reason, as upgrade does; the view is there', async () => {
    const db = await database('serve');
    const serving = await startServe(app, [], { DATABASE_URL: db.url });
    serving.child.kill('SIGTERM');
    const ended = await serving.ended;
    // Stopped right after it started serving: a clean exit or the SIGTERM itself, either is fine here.
    expect(ended.code === 0 || ended.signal === 'SIGTERM', ended.stderr).toBe(true);
    const printed = `${ended.stdout}\n${ended.stderr}`;
    expect(printed.split('\n').filter((line) => DECLINED.test(line))).toHaveLength(1);
    expect(printed).toContain('(replay)');
    expect(await queryDatabase(db.url, `SELECT 1 FROM pg_views WHERE viewname = 'named_items'`)).toHaveLength(
      1,
    );
    expect(await queryDatabase(db.url, `SELECT DISTINCT method FROM "_dazzle_migrations"`)).toEqual([
      { method: 'run' },
    ]);

    const other = await database('upgrade');
    const upgraded = await dazzle(app, ['db', 'upgrade'], { DATABASE_URL: other.url });
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(upgraded.stdout).toMatch(DECLINED);
  });
});
