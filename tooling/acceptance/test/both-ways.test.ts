/**
 * Generated revisions work both ways on a database with rows, through the installed binary: a
 * down that would cut a value stops and says where and how many, and keeps the value; a column
 * replaced by another is never renamed unless the user says so, and the suggested flag works.
 */
import { readFileSync } from 'node:fs';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { expectRefusal } from './harness/failures';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { revisionFile } from './harness/revisions';

describe('a generated down never cuts a value silently', () => {
  let app: string;
  let db: TestDatabase;
  const run = (...args: string[]) => dazzle(app, args, { DATABASE_URL: db.url });
  const ok = async (...args: string[]) => {
    const result = await run(...args);
    expect(result.code, result.stderr).toBe(0);
    return result;
  };
  const codeType = async () =>
    (
      await queryDatabase<{ type: string }>(
        db.url,
        `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'item'::regclass AND attname = 'code'`,
      )
    )[0]?.type;

  beforeAll(async () => {
    app = newApp('both_ways');
    db = await createTestDatabase('acc_both_ways');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    await ok('db', 'revision', '-m', 'create item');
    await ok('db', 'upgrade');
  }, 300_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('widen varchar(10) to varchar(20), store a long value: downgrade -1 exits 1 naming item.code and 1 row, and the value is intact', async () => {
    writeFiles(app, {
      'src/item.ts': itemEntity(
        "@Column({ type: 'varchar', length: 20, nullable: true })\n  code: string | null;",
      ),
    });
    const check = await run('db', 'check');
    expect(check.code, check.stderr).toBe(1);
    expect(check.stdout).toContain(
      '[app] ALTER TABLE "item" ALTER COLUMN "code" TYPE character varying(20) USING "code"::character varying(20)',
    );
    expect(check.stdout).not.toContain('DROP COLUMN');
    await ok('db', 'revision', '-m', 'widen code');
    expect(readFileSync(revisionFile(app, 'widen_code'), 'utf8')).toContain('Down proven on the shadow');
    await ok('db', 'upgrade');
    await queryDatabase(
      db.url,
      `INSERT INTO item (name, code) VALUES ('long', 'ABCDEFGHIJKLMNOP'), ('short', 'AB')`,
    );

    const line = expectRefusal(await run('db', 'downgrade', '-1'), 'DATA_WOULD_BE_LOST');
    expect(line).toContain(
      'item.code: 1 row(s) hold a value that character varying(10) cannot hold unchanged',
    );
    expect(await queryDatabase(db.url, `SELECT code FROM item ORDER BY name`)).toEqual([
      { code: 'ABCDEFGHIJKLMNOP' },
      { code: 'AB' },
    ]);
    expect(await codeType()).toBe('character varying(20)');

    await queryDatabase(db.url, `UPDATE item SET code = 'ABCDEFGHIJ' WHERE name = 'long'`);
    await ok('db', 'downgrade', '-1');
    expect(await codeType()).toBe('character varying(10)');
    expect(await queryDatabase(db.url, `SELECT code FROM item ORDER BY name`)).toEqual([
      { code: 'ABCDEFGHIJ' },
      { code: 'AB' },
    ]);
  });
});

describe('a rename is never guessed, and the flag RENAME_AMBIGUOUS suggests works', () => {
  let app: string;
  let db: TestDatabase;
  const run = (...args: string[]) => dazzle(app, args, { DATABASE_URL: db.url });

  beforeAll(async () => {
    app = newApp('rename_asked');
    db = await createTestDatabase('acc_rename_asked');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    expect((await run('db', 'revision', '-m', 'create item')).code).toBe(0);
    expect((await run('db', 'upgrade')).code).toBe(0);
    await queryDatabase(db.url, `INSERT INTO item (name, code) VALUES ('kept', 'C-1')`);
  }, 300_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('code replaced by sku of the same type: refused without a terminal, then --rename item.code=sku keeps the value', async () => {
    writeFiles(app, {
      'src/item.ts': itemEntity(
        "@Column({ type: 'varchar', length: 10, nullable: true })\n  sku: string | null;",
      ),
    });
    const line = expectRefusal(await run('db', 'revision', '-m', 'sku'), 'RENAME_AMBIGUOUS');
    expect(line).toContain('"item" loses column "code" and gains "sku"');
    const flag = /--rename (\S+)/.exec(line)?.[1];
    expect(flag).toBe('item.code=sku');

    const renamed = await run('db', 'revision', '-m', 'sku', '--rename', flag!);
    expect(renamed.code, renamed.stderr).toBe(0);
    const upgrade = await run('db', 'upgrade');
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(await queryDatabase(db.url, `SELECT name, sku FROM item`)).toEqual([{ name: 'kept', sku: 'C-1' }]);
  });
});
