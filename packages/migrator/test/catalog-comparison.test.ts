import { createTestDatabase, queryDatabase as sql, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogSnapshot, snapshotCatalog } from '../src/catalog/catalog-snapshot';
import { compareCatalogs, formatDifference } from '../src/catalog/compare-catalogs';

/**
 * The one catalog comparison (down proof, create-all ≡ replay, `check --live`, stamp) proves it
 * can fail: for each kind of object, a database changed in that one way is reported, and only
 * that change. Each case changes its own objects, so the cases do not see each other.
 */
const FIXTURE = [
  `CREATE TYPE mood AS ENUM ('happy', 'sad')`,
  `CREATE TABLE item (id serial PRIMARY KEY, code varchar(10) NOT NULL, qty int, feeling mood,
     CONSTRAINT uq_item_code UNIQUE (code), CONSTRAINT chk_qty CHECK (qty >= 0))`,
  `CREATE TABLE ordered (a int, b int)`,
  `CREATE TABLE kinded (id int)`,
  `CREATE TABLE dup (v int)`,
  `INSERT INTO dup VALUES (1), (1)`,
  `CREATE INDEX idx_item_qty ON item (qty)`,
  `CREATE SEQUENCE invoice_number START 1000`,
  `CREATE VIEW big_items AS SELECT id FROM item WHERE qty > 10`,
  `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
  `CREATE TRIGGER item_touch BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION touch()`,
  `COMMENT ON COLUMN item.code IS 'printed on the label'`,
  `CREATE TABLE typeorm_metadata ("type" varchar NOT NULL, "database" varchar, "schema" varchar,
     "table" varchar, "name" varchar, "value" text)`,
  `INSERT INTO typeorm_metadata (type, schema, "table", name, value)
     VALUES ('GENERATED_COLUMN', 'public', 'item', 'total', 'qty * 2')`,
];

/** `leavesInvalid`: the change is a CONCURRENTLY build that fails on duplicates, as a killed one would. */
const CASES: Array<{ kind: string; change: string[]; expected: RegExp[]; leavesInvalid?: true }> = [
  {
    kind: 'table',
    change: ['CREATE TABLE by_hand (id int)'],
    expected: [/^extra {4}table by_hand: id integer$/],
  },
  {
    kind: 'table kind (unlogged)',
    change: ['ALTER TABLE kinded SET UNLOGGED'],
    expected: [/^differs {2}table kinded: expected table; found unlogged table$/],
  },
  {
    kind: 'column order',
    change: ['DROP TABLE ordered', 'CREATE TABLE ordered (b int, a int)'],
    expected: [/^differs {2}table ordered: same columns in another order: columns in the order b, a$/],
  },
  {
    kind: 'column type',
    change: ['ALTER TABLE item ALTER COLUMN code TYPE varchar(20)'],
    expected: [
      /^differs {2}column item.code: expected character varying\(10\) NOT NULL; found character varying\(20\) NOT NULL$/,
    ],
  },
  {
    kind: 'column default',
    change: ['ALTER TABLE item ALTER COLUMN qty SET DEFAULT 1'],
    expected: [/^differs {2}column item.qty: expected integer; found integer DEFAULT 1$/],
  },
  {
    kind: 'column nullability',
    change: ['ALTER TABLE item ALTER COLUMN feeling SET NOT NULL'],
    expected: [/^differs {2}column item.feeling: expected mood; found mood NOT NULL$/],
  },
  {
    kind: 'constraint name',
    change: ['ALTER TABLE item RENAME CONSTRAINT uq_item_code TO "UQ_renamed"'],
    expected: [
      /^extra {4}constraint item.UQ_renamed: UNIQUE \(code\)$/,
      /^missing {2}constraint item.uq_item_code: UNIQUE \(code\)$/,
      /^extra {4}index UQ_renamed: CREATE UNIQUE INDEX "UQ_renamed" ON public.item/,
      /^missing {2}index uq_item_code: CREATE UNIQUE INDEX uq_item_code ON public.item/,
    ],
  },
  {
    kind: 'constraint definition',
    change: [
      'ALTER TABLE item DROP CONSTRAINT chk_qty',
      'ALTER TABLE item ADD CONSTRAINT chk_qty CHECK (qty > 0)',
    ],
    expected: [
      /^differs {2}constraint item.chk_qty: expected CHECK \(\(qty >= 0\)\); found CHECK \(\(qty > 0\)\)$/,
    ],
  },
  {
    kind: 'index',
    change: ['DROP INDEX idx_item_qty'],
    expected: [
      /^missing {2}index idx_item_qty: CREATE INDEX idx_item_qty ON public.item USING btree \(qty\)$/,
    ],
  },
  {
    kind: 'index validity',
    change: ['CREATE UNIQUE INDEX CONCURRENTLY dup_v ON dup (v)'],
    leavesInvalid: true,
    expected: [
      /^extra {4}index dup_v: CREATE UNIQUE INDEX dup_v ON public.dup USING btree \(v\) \(INVALID\)$/,
    ],
  },
  {
    kind: 'enum',
    change: [`ALTER TYPE mood ADD VALUE 'meh'`],
    expected: [/^differs {2}enum mood: expected labels happy, sad; found happy, sad, meh$/],
  },
  {
    kind: 'view',
    change: ['CREATE OR REPLACE VIEW big_items AS SELECT id FROM item WHERE qty > 100'],
    expected: [/^differs {2}view big_items: expected .*> 10\)?;; found .*> 100/],
  },
  {
    kind: 'function',
    change: [
      `CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`,
    ],
    expected: [/^differs {2}function touch\(\): expected .*RETURN NEW.*; found .*RETURN OLD/],
  },
  {
    kind: 'trigger',
    change: ['DROP TRIGGER item_touch ON item'],
    expected: [/^missing {2}trigger item.item_touch: CREATE TRIGGER item_touch BEFORE UPDATE ON public.item/],
  },
  {
    kind: 'extension',
    change: ['CREATE EXTENSION citext'],
    expected: [/^extra {4}extension citext: citext$/],
  },
  {
    kind: 'sequence',
    change: ['ALTER SEQUENCE invoice_number INCREMENT BY 5'],
    expected: [
      /^differs {2}sequence invoice_number: expected bigint start 1000 increment 1 .*; found bigint start 1000 increment 5/,
    ],
  },
  {
    kind: 'schema',
    change: ['CREATE SCHEMA reporting'],
    expected: [/^extra {4}schema reporting: $/],
  },
  {
    kind: 'comment',
    change: [`COMMENT ON COLUMN item.code IS 'printed on the box'`],
    expected: [/^differs {2}comment item.code: expected printed on the label; found printed on the box$/],
  },
  {
    kind: 'typeorm_metadata',
    change: [`UPDATE typeorm_metadata SET value = 'qty * 3'`],
    expected: [
      /^differs {2}typeorm_metadata GENERATED_COLUMN.public.item.total: expected qty \* 2; found qty \* 3$/,
    ],
  },
];

describe('the catalog comparison', () => {
  let db: TestDatabase;
  let baseline: CatalogSnapshot;

  beforeAll(async () => {
    db = await createTestDatabase('catalog_comparison');
    for (const statement of FIXTURE) await sql(db.url, statement);
    baseline = await snapshotCatalog(db.url);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('finds nothing between a database and itself, and reads every kind of object in the fixture', async () => {
    expect(compareCatalogs(baseline, await snapshotCatalog(db.url))).toEqual([]);
    expect(baseline.enums).toEqual([{ name: 'mood', labels: ['happy', 'sad'] }]);
    expect(baseline.columns.filter((c) => c.table === 'item').map((c) => [c.column, c.position])).toEqual([
      ['id', 1],
      ['code', 2],
      ['qty', 3],
      ['feeling', 4],
    ]);
    expect(Object.keys(baseline.typeormMetadata)).toEqual(['GENERATED_COLUMN.public.item.total']);
    expect(Object.keys(baseline.objects.table)).not.toContain('typeorm_metadata');
  });

  for (const { kind, change, expected, leavesInvalid } of CASES) {
    it(`reports a difference in ${kind}, and nothing else`, async () => {
      const before = await snapshotCatalog(db.url);
      for (const statement of change) {
        const failed = await sql(db.url, statement).then(
          () => false,
          () => true,
        );
        expect(failed).toBe(leavesInvalid === true);
      }
      const differences = compareCatalogs(before, await snapshotCatalog(db.url)).map(formatDifference);
      expect(differences).toEqual(expected.map((pattern) => expect.stringMatching(pattern)));
    });
  }
});
