/**
 * The schema promises that read the live database, through the installed binary: `check --live`
 * finds hand-made drift in both directions, `stamp` refuses a database that does not match what it
 * would record (unless forced), and `upgrade` honours `emptyDatabase: 'create-all'` as `serve`
 * does, replaying instead when a revision makes what the entities cannot describe.
 */
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, errorLines, newApp, writeFiles } from './harness/app';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { fillEmptyRevision, revisionFile } from './harness/revisions';

const CREATE_ALL_CONFIG = ITEM_CONFIG.replace(
  'defineConfig({ entities: [Item] })',
  "defineConfig({ entities: [Item], emptyDatabase: 'create-all' })",
);

describe('the live schema against its revisions', () => {
  const dbs: TestDatabase[] = [];
  let app: string;
  const database = async (label: string) => {
    const db = await createTestDatabase(`acc_integrity_${label}`);
    dbs.push(db);
    return db;
  };
  const run = (db: TestDatabase, ...args: string[]) => dazzle(app, args, { DATABASE_URL: db.url });
  const ledger = async (db: TestDatabase) =>
    (
      await queryDatabase<{ n: string }>(
        db.url,
        `SELECT count(*) AS n FROM pg_tables WHERE tablename = '_dazzle_migrations'`,
      )
    )[0]!.n === '0'
      ? []
      : (await queryDatabase<{ id: string }>(db.url, 'SELECT id FROM "_dazzle_migrations"')).map((r) => r.id);
  const hasRelation = async (db: TestDatabase, name: string) =>
    (await queryDatabase(db.url, 'SELECT 1 FROM pg_class WHERE relname = $1', [name])).length === 1;

  beforeAll(async () => {
    app = newApp('integrity');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    const first = await database('first');
    const written = await dazzle(app, ['db', 'revision', '-m', 'create item'], { DATABASE_URL: first.url });
    expect(written.code, written.stderr).toBe(0);
  });
  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.drop()));
  });

  it('check --live passes on an upgraded database and lists hand-made drift in both directions (exit 1)', async () => {
    const db = dbs[0]!;
    expect((await run(db, 'db', 'upgrade')).code).toBe(0);
    const clean = await run(db, 'db', 'check', '--live');
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/OK: the live schema matches what its \d+ applied revisions produce/);

    await queryDatabase(db.url, 'ALTER TABLE item ADD COLUMN note text');
    await queryDatabase(db.url, 'CREATE TABLE audit_by_hand (id int)');
    await queryDatabase(db.url, 'ALTER TABLE item DROP COLUMN code');
    const drift = await run(db, 'db', 'check', '--live');
    expect(drift.code, drift.stderr).toBe(1);
    expect(drift.stdout).toBe('');
    expect(drift.stderr).toContain('extra    table audit_by_hand: id integer');
    expect(drift.stderr).toMatch(/missing {2}column item\.code: character varying\(10\)/);
    expect(drift.stderr).toContain('extra    column item.note: text');
    expect(errorLines(drift.stderr).at(-1)).toMatch(/^Error SCHEMA_DRIFT: The live database differs/);
    // Reading is all it does: the drift is still there, and the ledger unchanged.
    expect(await hasRelation(db, 'audit_by_hand')).toBe(true);
    expect(await ledger(db)).toHaveLength(2);
  });

  it('stamp refuses a hand-built database that lacks a table, stamping nothing; --force stamps it', async () => {
    const db = await database('stamp');
    await queryDatabase(db.url, 'CREATE TABLE item (id serial PRIMARY KEY, name varchar(50) NOT NULL)');
    const refused = await run(db, 'db', 'stamp', 'heads');
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/missing {2}table feedback_report/);
    expect(refused.stderr).toMatch(/missing {2}column item\.code: character varying\(10\)/);
    expect(errorLines(refused.stderr).at(-1)).toMatch(
      /^Error SCHEMA_DRIFT: Nothing was stamped: .*`dazzle db stamp heads --force`/,
    );
    expect(await ledger(db)).toEqual([]);

    const forced = await run(db, 'db', 'stamp', 'heads', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/Stamped heads: 2 recorded as applied/);
    expect(await ledger(db)).toHaveLength(2);
  });

  it("upgrade honours emptyDatabase: 'create-all', and replays instead when a revision creates a view", async () => {
    writeFiles(app, { 'dazzle.config.ts': CREATE_ALL_CONFIG });
    const created = await database('created');
    const plain = await run(created, 'db', 'upgrade');
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('(tables created from the entities, revisions stamped)');
    expect(await queryDatabase(created.url, `SELECT DISTINCT method FROM "_dazzle_migrations"`)).toEqual([
      { method: 'create-all' },
    ]);

    const view = await run(created, 'db', 'revision', '--empty', '-m', 'named items');
    expect(view.code, view.stderr).toBe(0);
    fillEmptyRevision(
      revisionFile(app, 'named_items'),
      ['CREATE VIEW named_items AS SELECT id, name FROM item'],
      ['DROP VIEW named_items'],
    );
    expect((await run(created, 'db', 'rehash')).code).toBe(0);
    const fresh = await database('replayed');
    const replayed = await run(fresh, 'db', 'upgrade');
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toMatch(
      /create-all not used: revision \d{14}_named_items runs View, which the entities do not describe; replaying every revision instead\./,
    );
    expect(await hasRelation(fresh, 'named_items')).toBe(true);
    const live = await run(fresh, 'db', 'check', '--live');
    expect(live.code, live.stderr).toBe(0);
  });
});
