import { describeStatement, loadSqlParser } from '@app/migrator';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintStatements } from '../../src/lint/lint-revision';

beforeAll(async () => {
  await loadSqlParser();
});

const rules = async (statements: string[]) => (await lintStatements(statements)).map((f) => f.rule);

describe('lint of online steps', () => {
  it('reads a CHECK that is exactly (column IS NOT NULL), the constraint name and a new column type', () => {
    const [check] = describeStatement(
      'ALTER TABLE "a" ADD CONSTRAINT "x_nn" CHECK ("x" IS NOT NULL) NOT VALID',
    ).actions;
    expect(check).toMatchObject({ constraintName: 'x_nn', checksNotNull: 'x', notValid: true });
    expect(
      describeStatement('ALTER TABLE "a" ADD CONSTRAINT "c" CHECK ("x" > 0)').actions[0]!.checksNotNull,
    ).toBe(undefined);
    expect(describeStatement('ALTER TABLE "a" ALTER COLUMN "n" TYPE bigint').actions[0]!.newType).toBe(
      'pg_catalog.int8',
    );
  });

  it('does not flag SET NOT NULL once a validated CHECK proves the column, and still does without one', async () => {
    expect(
      await rules([
        'ALTER TABLE "a" ADD CONSTRAINT "x_nn" CHECK ("x" IS NOT NULL) NOT VALID',
        'ALTER TABLE "a" VALIDATE CONSTRAINT "x_nn"',
        'ALTER TABLE "a" ALTER COLUMN "x" SET NOT NULL',
        'ALTER TABLE "a" DROP CONSTRAINT "x_nn"',
      ]),
    ).toEqual([]);
    // Added NOT VALID but never validated: PostgreSQL still scans.
    expect(
      await rules([
        'ALTER TABLE "a" ADD CONSTRAINT "x_nn" CHECK ("x" IS NOT NULL) NOT VALID',
        'ALTER TABLE "a" ALTER COLUMN "x" SET NOT NULL',
      ]),
    ).toEqual(['set-not-null']);
    // Validated on another column.
    expect(
      await rules([
        'ALTER TABLE "a" ADD CONSTRAINT "y_nn" CHECK ("y" IS NOT NULL) NOT VALID',
        'ALTER TABLE "a" VALIDATE CONSTRAINT "y_nn"',
        'ALTER TABLE "a" ALTER COLUMN "x" SET NOT NULL',
      ]),
    ).toEqual(['set-not-null']);
  });

  it('does not flag an index built CONCURRENTLY or a constraint added NOT VALID', async () => {
    expect(
      await rules([
        'CREATE INDEX CONCURRENTLY "i" ON "a" ("x")',
        'ALTER TABLE "a" ADD CONSTRAINT "f" FOREIGN KEY ("b_id") REFERENCES "b"("id") NOT VALID',
        'ALTER TABLE "a" VALIDATE CONSTRAINT "f"',
      ]),
    ).toEqual([]);
  });
});
