/**
 * The migrations guide's pattern for an index on a table in use: a hand-written revision with
 * `transactional: false` that runs `CREATE INDEX CONCURRENTLY`. Through the installed binary, on a
 * table with rows: `upgrade` builds it, `check` says plainly which `@Index(…)` the entity must
 * declare while it does not (exit 1), and accepts the index once the entity declares it (exit 0).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { fillEmptyRevision, revisionFile } from './harness/revisions';

/** The item entity with the index declared as the guide says: same name, same columns. */
const ITEM_WITH_INDEX = itemEntity()
  .replace(
    "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';",
    "import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';",
  )
  .replace("@Entity('item')", "@Entity('item')\n@Index('item_name_idx', ['name'])");

describe('an index built CONCURRENTLY by a hand-written revision, and check', () => {
  let app: string;
  let db: TestDatabase;
  const run = (...args: string[]) => dazzle(app, args, { DATABASE_URL: db.url });

  beforeAll(async () => {
    app = newApp('concurrent-index');
    db = await createTestDatabase('acc_concurrent_index');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    expect((await run('db', 'revision', '-m', 'create item')).code).toBe(0);
    expect((await run('db', 'upgrade')).code).toBe(0);
    await queryDatabase(db.url, `INSERT INTO item (name) SELECT 'item ' || g FROM generate_series(1, 500) g`);
  });
  afterAll(() => db?.drop());

  it('is built by upgrade on a table with rows; check names the @Index to declare (exit 1), then passes once it is declared (exit 0)', async () => {
    // The guide's steps: an empty revision, the statement, `transactional: false`, rehash.
    const written = await run('db', 'revision', '--empty', '-m', 'index item by name');
    expect(written.code, written.stderr).toBe(0);
    const file = revisionFile(app, 'index_item_by_name');
    fillEmptyRevision(
      file,
      ['CREATE INDEX CONCURRENTLY "item_name_idx" ON "item" ("name")'],
      ['DROP INDEX CONCURRENTLY "item_name_idx"'],
    );
    writeFileSync(file, readFileSync(file, 'utf8').replace('transactional: true', 'transactional: false'));
    expect((await run('db', 'rehash')).code).toBe(0);
    const upgrade = await run('db', 'upgrade');
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(
      await queryDatabase(
        db.url,
        `SELECT x.indisvalid AS valid FROM pg_index x WHERE x.indexrelid = to_regclass('item_name_idx')`,
      ),
    ).toEqual([{ valid: true }]);

    const undeclared = await run('db', 'check');
    expect(undeclared.code, undeclared.stderr).toBe(1);
    const said = `${undeclared.stdout}\n${undeclared.stderr}`;
    expect(said).toContain(
      `index "item_name_idx" on item is made by a revision but no entity declares it: add @Index('item_name_idx', ['name']) to the class of entity Item`,
    );

    // Not the advice to write a revision: that revision would drop the index.
    expect(said).not.toContain('DROP INDEX');
    expect(said).not.toContain('dazzle db revision');

    writeFiles(app, { 'src/item.ts': ITEM_WITH_INDEX });
    const declared = await run('db', 'check');
    expect(declared.code, `${declared.stdout}\n${declared.stderr}`).toBe(0);
    expect(declared.stdout).toContain(
      'OK: the database is at heads and the revisions reproduce the entities.',
    );
    // check reads only: the index is still there, valid, with every row.
    expect(
      await queryDatabase(db.url, `SELECT count(*)::int AS n FROM item WHERE name LIKE 'item %'`),
    ).toEqual([{ n: 500 }]);
    expect(
      await queryDatabase(db.url, `SELECT 1 FROM pg_indexes WHERE indexname = 'item_name_idx'`),
    ).toHaveLength(1);
  });
});
