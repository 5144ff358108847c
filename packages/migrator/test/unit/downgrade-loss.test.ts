import { beforeAll, describe, expect, it } from 'vitest';
import { describeDroppedData, dropsOf } from '../../src/run/downgrade-loss';
import { describeSql, loadSqlParser } from '../../src/sql/statement-facts';

beforeAll(async () => {
  await loadSqlParser();
});

const drops = (sql: string) => describeSql(sql).flatMap(dropsOf);

describe('what a down statement drops', () => {
  it('finds each table a DROP TABLE names, schema-qualified outside public', () => {
    expect(drops('DROP TABLE "product"; DROP TABLE IF EXISTS audit.entry, "note" CASCADE')).toEqual([
      { table: 'product' },
      { table: 'audit.entry' },
      { table: 'note' },
    ]);
  });

  it('finds each column an ALTER TABLE drops, and nothing for the columns it adds or alters', () => {
    expect(
      drops(
        'ALTER TABLE "customer" DROP COLUMN "fax", DROP COLUMN IF EXISTS "pager", ADD "mobile" text, ALTER COLUMN "name" SET NOT NULL',
      ),
    ).toEqual([
      { table: 'customer', column: 'fax' },
      { table: 'customer', column: 'pager' },
    ]);
  });

  it('finds nothing in statements that drop no data', () => {
    expect(
      drops(
        'DROP INDEX "IDX_1"; DROP TYPE "status_enum"; ALTER TABLE "t" DROP CONSTRAINT "FK_1"; CREATE TABLE "x" (id int); DROP VIEW "v"',
      ),
    ).toEqual([]);
  });
});

describe('how dropped data is named', () => {
  it('counts rows of a table and values of a column, singular and plural', () => {
    expect(describeDroppedData({ revision: 'r', table: 'product', rows: 3 })).toBe(
      'table "product" (3 rows)',
    );
    expect(describeDroppedData({ revision: 'r', table: 'audit.entry', rows: 1 })).toBe(
      'table "audit"."entry" (1 row)',
    );
    expect(describeDroppedData({ revision: 'r', table: 'customer', column: 'fax', rows: 1 })).toBe(
      'column "customer"."fax" (1 value)',
    );
  });
});
