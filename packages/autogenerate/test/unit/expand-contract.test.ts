import { batchUpdateSql, loadSqlParser } from '@app/migrator';
import { beforeAll, describe, expect, it } from 'vitest';
import { typeChangeToExpand } from '../../src/generate/expand-column';
import { planExpandContract, type RetypedColumn } from '../../src/generate/expand-contract';
import { statementsOf } from '../../src/generate/online-steps';

beforeAll(async () => {
  await loadSqlParser();
});

const TOTAL: RetypedColumn = {
  table: 'bill',
  column: 'total',
  oldType: 'integer',
  newType: 'bigint',
  notNull: true,
  defaultSql: '0',
  comment: undefined,
};
const sqlOf = (statements: readonly { sql: string }[]) => statements.map((s) => s.sql);

describe('planExpandContract', () => {
  it('expands in four steps: shadow column and trigger, backfill outside a transaction, CHECK NOT VALID, VALIDATE', () => {
    const plan = planExpandContract(TOTAL);
    expect(plan.expand.up.map((s) => s.transactional)).toEqual([true, false, true, true]);
    expect(sqlOf(plan.expand.up[0]!.statements)).toEqual([
      'ALTER TABLE "bill" ADD COLUMN "total_dz_new" bigint',
      'CREATE FUNCTION "public"."bill_total_dz_sync"() RETURNS trigger LANGUAGE plpgsql AS $dazzle$ BEGIN NEW."total_dz_new" := NEW."total"::bigint; RETURN NEW; END $dazzle$',
      'CREATE TRIGGER "bill_total_dz_sync" BEFORE INSERT OR UPDATE ON "bill" FOR EACH ROW EXECUTE FUNCTION "public"."bill_total_dz_sync"()',
    ]);
    expect(plan.expand.up[1]!.statements[0]!.sql).toBe(
      batchUpdateSql(
        'bill',
        '"total_dz_new" = "total"::bigint',
        '"total_dz_new" IS DISTINCT FROM "total"::bigint',
      ),
    );
    expect(sqlOf(statementsOf(plan.expand.up.slice(2)))).toEqual([
      'ALTER TABLE "bill" ADD CONSTRAINT "total_dz_new_not_null" CHECK ("total_dz_new" IS NOT NULL) NOT VALID',
      'ALTER TABLE "bill" VALIDATE CONSTRAINT "total_dz_new_not_null"',
    ]);
    expect(sqlOf(statementsOf(plan.expand.down))).toEqual([
      'DROP TRIGGER "bill_total_dz_sync" ON "bill"',
      'DROP FUNCTION "public"."bill_total_dz_sync"()',
      'ALTER TABLE "bill" DROP COLUMN "total_dz_new"',
    ]);
  });

  it('contracts in one list: trigger and old column gone, rename, NOT NULL through the CHECK, default back; its down reverses it', () => {
    const plan = planExpandContract(TOTAL);
    expect(sqlOf(plan.contract.up)).toEqual([
      'DROP TRIGGER "bill_total_dz_sync" ON "bill"',
      'DROP FUNCTION "public"."bill_total_dz_sync"()',
      'ALTER TABLE "bill" DROP COLUMN "total"',
      'ALTER TABLE "bill" RENAME COLUMN "total_dz_new" TO "total"',
      'ALTER TABLE "bill" ALTER COLUMN "total" SET NOT NULL',
      'ALTER TABLE "bill" ALTER COLUMN "total" SET DEFAULT 0',
      'ALTER TABLE "bill" DROP CONSTRAINT "total_dz_new_not_null"',
    ]);
    expect(sqlOf(plan.contract.down)).toEqual([
      'ALTER TABLE "bill" ALTER COLUMN "total" DROP DEFAULT',
      'ALTER TABLE "bill" ADD CONSTRAINT "total_dz_new_not_null" CHECK ("total" IS NOT NULL)',
      'ALTER TABLE "bill" ALTER COLUMN "total" DROP NOT NULL',
      'ALTER TABLE "bill" RENAME COLUMN "total" TO "total_dz_new"',
      'ALTER TABLE "bill" ADD COLUMN "total" integer',
      'UPDATE "bill" SET "total" = "total_dz_new"::integer',
      'ALTER TABLE "bill" ALTER COLUMN "total" SET NOT NULL',
      'ALTER TABLE "bill" ALTER COLUMN "total" SET DEFAULT 0',
      'CREATE FUNCTION "public"."bill_total_dz_sync"() RETURNS trigger LANGUAGE plpgsql AS $dazzle$ BEGIN NEW."total_dz_new" := NEW."total"::bigint; RETURN NEW; END $dazzle$',
      'CREATE TRIGGER "bill_total_dz_sync" BEFORE INSERT OR UPDATE ON "bill" FOR EACH ROW EXECUTE FUNCTION "public"."bill_total_dz_sync"()',
    ]);
  });

  it('skips the CHECK steps for a nullable column and keeps a schema and a comment', () => {
    const plan = planExpandContract({
      ...TOTAL,
      table: 'billing.ledger',
      notNull: false,
      defaultSql: undefined,
      comment: "it's cents",
    });
    expect(plan.expand.up.map((s) => s.transactional)).toEqual([true, false]);
    expect(sqlOf(plan.contract.up)).toContain(
      `COMMENT ON COLUMN "billing"."ledger"."total" IS 'it''s cents'`,
    );
    expect(sqlOf(plan.contract.up).some((s) => s.includes('NOT NULL'))).toBe(false);
    expect(plan.expand.up[0]!.statements[1]!.sql).toContain(
      'CREATE FUNCTION "billing"."ledger_total_dz_sync"()',
    );
  });
});

describe('typeChangeToExpand', () => {
  it('finds the one table-rewriting type change', () => {
    expect(
      typeChangeToExpand([
        { sql: 'ALTER TABLE "bill" ALTER COLUMN "total" TYPE bigint USING "total"::bigint' },
      ]),
    ).toEqual({ table: 'bill', column: 'total' });
  });

  it('refuses a revision with other changes, with none, or with a change that rewrites nothing', () => {
    const code = (work: () => unknown) => {
      try {
        work();
      } catch (error) {
        return [(error as { code: string }).code, (error as Error).message];
      }
      return undefined;
    };
    expect(
      code(() =>
        typeChangeToExpand([
          { sql: 'ALTER TABLE "bill" ALTER COLUMN "total" TYPE bigint USING "total"::bigint' },
          { sql: 'ALTER TABLE "bill" ADD "note" text' },
        ]),
      ),
    ).toEqual([
      'EXPAND_NOT_POSSIBLE',
      expect.stringContaining(
        '--expand writes one column type change at a time, and this revision also runs ALTER TABLE "bill" ADD "note" text',
      ),
    ]);
    expect(code(() => typeChangeToExpand([{ sql: 'ALTER TABLE "bill" ADD "note" text' }]))?.[0]).toBe(
      'EXPAND_NOT_POSSIBLE',
    );
    expect(
      code(() => typeChangeToExpand([{ sql: 'ALTER TABLE "bill" ALTER COLUMN "name" TYPE text' }]))?.[1],
    ).toContain('nothing to expand');
  });
});

describe('batchUpdateSql', () => {
  it('walks by key in committed batches of the given size', () => {
    const sql = batchUpdateSql('billing.ledger', '"a" = 1', '"a" IS NULL', { batchSize: 500, key: 'ref' });
    expect(sql).toMatch(/^DO \$dazzle_batch\$/);
    expect(sql).toContain('last_key "billing"."ledger"."ref"%TYPE;');
    expect(sql).toContain('ORDER BY "ref" LIMIT 500');
    expect(sql).toContain('COMMIT;');
    expect(() => batchUpdateSql('t', 'a = 1', 'true', { batchSize: 0 })).toThrow(/batchSize/);
  });
});
