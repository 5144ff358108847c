import { describeStatement, loadSqlParser, type StatementFacts } from '@app/migrator';
import { beforeAll, describe, expect, it } from 'vitest';
import { LINT_RULES } from '../../src/lint/lint-rules';

beforeAll(async () => {
  await loadSqlParser();
});

/** The ids of every rule that fires on the statement, given the tables created earlier in the revision. */
function firing(sql: string, createdTables: string[] = []): string[] {
  return firingOn(describeStatement(sql), createdTables);
}

function firingOn(facts: StatementFacts, createdTables: string[] = []): string[] {
  const context = { createdTables: new Set(createdTables) };
  return LINT_RULES.filter((rule) => rule.matches(facts, context)).map((rule) => rule.id);
}

/** Facts no parser would produce, to pin which statement kind a rule reads. */
function synthetic(kind: string, fields: Partial<StatementFacts> = {}): StatementFacts {
  return { sql: '', kind, tables: ['a'], types: [], indexes: [], actions: [], ...fields };
}

describe('LINT_RULES', () => {
  it('gives each rule an id, a severity, a reason and a safer way', () => {
    expect(Object.fromEntries(LINT_RULES.map((rule) => [rule.id, rule.severity]))).toEqual({
      'drop-table': 'error',
      'drop-column': 'error',
      'column-type-change': 'warning',
      'set-not-null': 'warning',
      'create-index-blocking': 'warning',
      'constraint-validates-rows': 'warning',
      'volatile-default': 'warning',
      'required-column-without-default': 'warning',
      rename: 'warning',
    });
    for (const rule of LINT_RULES) {
      expect(rule.why, rule.id).toMatch(/^[a-zA-Z].{20,}/);
      expect(rule.saferWay, rule.id).toMatch(/^[a-zA-Z].{20,}/);
    }
  });

  it('lets ordinary additive statements pass', () => {
    expect(firing('CREATE TABLE "a" ("id" integer)')).toEqual([]);
    expect(firing('ALTER TABLE "a" ADD COLUMN "note" text')).toEqual([]);
    expect(firing('ALTER TABLE "a" ADD COLUMN "n" integer NOT NULL DEFAULT 0')).toEqual([]);
    expect(firing(`CREATE TYPE "status" AS ENUM ('open')`)).toEqual([]);
    expect(firing(`COMMENT ON TABLE "a" IS 'invoices'`)).toEqual([]);
  });

  describe('drop-table', () => {
    it('fires on DROP TABLE', () => {
      expect(firing('DROP TABLE "a"')).toEqual(['drop-table']);
      expect(firing('DROP TABLE "a"', ['a'])).toEqual(['drop-table']);
    });

    it('does not fire on dropping an index or a type', () => {
      expect(firing('DROP INDEX "i"')).toEqual([]);
      expect(firing('DROP TYPE "status"')).toEqual([]);
    });

    it('reads only DROP statements', () => {
      expect(firingOn(synthetic('CommentStmt', { objectType: 'TABLE' }))).toEqual([]);
    });
  });

  describe('drop-column', () => {
    it('fires on DROP COLUMN, also among other sub-commands', () => {
      expect(firing('ALTER TABLE "a" DROP COLUMN "x"')).toEqual(['drop-column']);
      expect(firing('ALTER TABLE "a" ADD COLUMN "y" text, DROP COLUMN "x"')).toEqual(['drop-column']);
    });

    it('reads only ALTER TABLE statements', () => {
      expect(firingOn(synthetic('CreateStmt', { actions: [{ subtype: 'AT_DropColumn' }] }))).toEqual([]);
    });
  });

  describe('column-type-change', () => {
    it('fires on a type change of an existing table', () => {
      expect(firing('ALTER TABLE "a" ALTER COLUMN "x" TYPE bigint')).toEqual(['column-type-change']);
    });

    it('does not fire on a table created earlier in the same revision', () => {
      expect(firing('ALTER TABLE "a" ALTER COLUMN "x" TYPE bigint', ['a'])).toEqual([]);
      expect(firing('ALTER TABLE "a" ALTER COLUMN "x" TYPE bigint', ['b'])).toEqual(['column-type-change']);
    });

    it('reads only ALTER TABLE statements', () => {
      expect(firingOn(synthetic('CreateStmt', { actions: [{ subtype: 'AT_AlterColumnType' }] }))).toEqual([]);
    });
  });

  describe('set-not-null', () => {
    it('fires on SET NOT NULL on an existing table', () => {
      expect(firing('ALTER TABLE "a" ALTER COLUMN "x" SET NOT NULL')).toEqual(['set-not-null']);
    });

    it('does not fire on a new table or on DROP NOT NULL', () => {
      expect(firing('ALTER TABLE "a" ALTER COLUMN "x" SET NOT NULL', ['a'])).toEqual([]);
      expect(firing('ALTER TABLE "a" ALTER COLUMN "x" DROP NOT NULL')).toEqual([]);
    });

    it('reads only ALTER TABLE statements', () => {
      expect(firingOn(synthetic('CreateStmt', { actions: [{ subtype: 'AT_SetNotNull' }] }))).toEqual([]);
    });
  });

  describe('create-index-blocking', () => {
    it('fires on CREATE INDEX on an existing table', () => {
      expect(firing('CREATE INDEX "i" ON "a" ("x")')).toEqual(['create-index-blocking']);
      expect(firing('CREATE UNIQUE INDEX "i" ON "billing"."a" ("x")', ['a'])).toEqual([
        'create-index-blocking',
      ]);
    });

    it('does not fire on CREATE INDEX CONCURRENTLY or on a new table', () => {
      expect(firing('CREATE INDEX CONCURRENTLY "i" ON "a" ("x")')).toEqual([]);
      expect(firing('CREATE INDEX "i" ON "a" ("x")', ['a'])).toEqual([]);
    });

    it('reads only CREATE INDEX statements', () => {
      expect(firingOn(synthetic('DropStmt', { objectType: 'INDEX', concurrent: false }))).toEqual([]);
    });
  });

  describe('constraint-validates-rows', () => {
    it.each([
      'ALTER TABLE "a" ADD CONSTRAINT "fk" FOREIGN KEY ("b_id") REFERENCES "b"("id")',
      'ALTER TABLE "a" ADD CONSTRAINT "positive" CHECK ("n" > 0)',
    ])('fires on %s', (sql) => {
      expect(firing(sql)).toEqual(['constraint-validates-rows']);
    });

    it.each([
      'ALTER TABLE "a" ADD CONSTRAINT "fk" FOREIGN KEY ("b_id") REFERENCES "b"("id") NOT VALID',
      'ALTER TABLE "a" ADD CONSTRAINT "positive" CHECK ("n" > 0) NOT VALID',
      'ALTER TABLE "a" ADD CONSTRAINT "unique_n" UNIQUE ("n")',
      'ALTER TABLE "a" VALIDATE CONSTRAINT "fk"',
    ])('does not fire on %s', (sql) => {
      expect(firing(sql)).toEqual([]);
    });

    it('does not fire on a table created earlier in the same revision', () => {
      expect(
        firing('ALTER TABLE "a" ADD CONSTRAINT "fk" FOREIGN KEY ("b_id") REFERENCES "b"("id")', ['a']),
      ).toEqual([]);
    });

    it('reads only ALTER TABLE statements', () => {
      const action = { subtype: 'AT_AddConstraint', constraintType: 'CONSTR_FOREIGN', notValid: false };
      expect(firingOn(synthetic('CreateStmt', { actions: [action] }))).toEqual([]);
      expect(
        firingOn(synthetic('AlterTableStmt', { actions: [{ ...action, subtype: 'AT_AddColumn' }] })),
      ).toEqual([]);
    });
  });

  describe('required-column-without-default', () => {
    it('fires on a NOT NULL column without a default added to an existing table', () => {
      expect(firing('ALTER TABLE "a" ADD COLUMN "code" varchar(10) NOT NULL')).toEqual([
        'required-column-without-default',
      ]);
    });

    it('does not fire with a default, an identity, a nullable column or a new table', () => {
      expect(firing('ALTER TABLE "a" ADD COLUMN "code" varchar(10) NOT NULL DEFAULT \'x\'')).toEqual([]);
      expect(firing('ALTER TABLE "a" ADD COLUMN "n" integer NOT NULL GENERATED ALWAYS AS IDENTITY')).toEqual(
        [],
      );
      expect(firing('ALTER TABLE "a" ADD COLUMN "code" varchar(10)')).toEqual([]);
      expect(firing('ALTER TABLE "a" ADD COLUMN "code" varchar(10) NOT NULL', ['a'])).toEqual([]);
    });

    it('reads only ALTER TABLE statements and only added columns', () => {
      const action = { subtype: 'AT_AddColumn', notNull: true, hasDefault: false };
      expect(firingOn(synthetic('CreateStmt', { actions: [action] }))).toEqual([]);
      expect(
        firingOn(synthetic('AlterTableStmt', { actions: [{ ...action, subtype: 'AT_AlterColumnType' }] })),
      ).toEqual(['column-type-change']);
    });
  });

  describe('volatile-default', () => {
    it('fires on adding a column with a volatile default to an existing table', () => {
      expect(firing('ALTER TABLE "a" ADD COLUMN "token" uuid DEFAULT gen_random_uuid()')).toEqual([
        'volatile-default',
      ]);
    });

    it('does not fire on a constant default, a new table or a later SET DEFAULT', () => {
      expect(firing('ALTER TABLE "a" ADD COLUMN "n" integer DEFAULT 0')).toEqual([]);
      expect(firing('ALTER TABLE "a" ADD COLUMN "token" uuid DEFAULT gen_random_uuid()', ['a'])).toEqual([]);
      expect(firing('ALTER TABLE "a" ALTER COLUMN "token" SET DEFAULT gen_random_uuid()')).toEqual([]);
    });

    it('reads only ALTER TABLE statements', () => {
      const action = { subtype: 'AT_AddColumn', defaultIsVolatile: true };
      expect(firingOn(synthetic('CreateStmt', { actions: [action] }))).toEqual([]);
    });
  });

  describe('rename', () => {
    it('fires on renaming a column or a table', () => {
      expect(firing('ALTER TABLE "a" RENAME COLUMN "x" TO "y"')).toEqual(['rename']);
      expect(firing('ALTER TABLE "a" RENAME TO "b"')).toEqual(['rename']);
    });

    it('does not fire on renaming a type or an index', () => {
      expect(firing('ALTER TYPE "status" RENAME TO "state"')).toEqual([]);
      expect(firing('ALTER INDEX "i" RENAME TO "j"')).toEqual([]);
    });

    it('reads only RENAME statements', () => {
      expect(firingOn(synthetic('DropStmt', { objectType: 'COLUMN' }))).toEqual([]);
    });
  });
});
