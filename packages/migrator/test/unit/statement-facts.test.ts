import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  describeSql,
  describeStatement,
  loadSqlParser,
  qualifiedName,
  type StatementFacts,
} from '../../src/sql/statement-facts';

beforeAll(async () => {
  await loadSqlParser();
});

function facts(sql: string): StatementFacts {
  const [only, ...rest] = describeSql(sql);
  expect(rest).toEqual([]);
  return only!;
}

function action(sql: string) {
  const { actions } = facts(sql);
  expect(actions).toHaveLength(1);
  return actions[0]!;
}

describe('describeSql', () => {
  it('refuses to run before the parser is loaded', async () => {
    vi.resetModules();
    const fresh = await import('../../src/sql/statement-facts');
    expect(() => fresh.describeSql('SELECT 1')).toThrow('call loadSqlParser() before describing SQL');
    await fresh.loadSqlParser();
    expect(fresh.describeSql('SELECT 1')).toHaveLength(1);
  });

  it('splits a script into trimmed statements', () => {
    const all = describeSql('CREATE TABLE "a" ("id" integer);\n  DROP TABLE "a";\nSELECT 1');
    expect(all.map((f) => [f.kind, f.sql])).toEqual([
      ['CreateStmt', 'CREATE TABLE "a" ("id" integer)'],
      ['DropStmt', 'DROP TABLE "a"'],
      ['SelectStmt', 'SELECT 1'],
    ]);
  });

  it('describes blank SQL (a revision direction that sends nothing) as no statements', () => {
    expect(describeSql('')).toEqual([]);
    expect(describeSql(' \n ')).toEqual([]);
  });

  it('describes a statement it has no rule for by its kind alone', () => {
    expect(facts('SELECT 1')).toEqual({
      sql: 'SELECT 1',
      kind: 'SelectStmt',
      tables: [],
      types: [],
      indexes: [],
      actions: [],
    });
  });

  describe('CREATE TABLE', () => {
    it('names the table and the tables its foreign keys reference', () => {
      const created = facts(
        'CREATE TABLE "invoice" ("id" serial PRIMARY KEY, "supplier_id" integer, "note" text, CONSTRAINT "pk2" UNIQUE ("note"), CONSTRAINT "fk" FOREIGN KEY ("supplier_id") REFERENCES "billing"."supplier"("id"))',
      );
      expect(created.kind).toBe('CreateStmt');
      expect(created.tables).toEqual(['invoice']);
      expect(created.schema).toBeUndefined();
      expect(created.actions).toEqual([
        {
          subtype: 'AT_AddConstraint',
          constraintType: 'CONSTR_FOREIGN',
          referencedTable: 'billing.supplier',
        },
      ]);
    });

    it('reads a table without columns', () => {
      expect(facts('CREATE TABLE "empty" ()')).toMatchObject({ tables: ['empty'], actions: [] });
    });

    it('qualifies a table outside the public schema, and not one inside it', () => {
      expect(facts('CREATE TABLE "billing"."invoice" ("id" integer)')).toMatchObject({
        tables: ['billing.invoice'],
        schema: 'billing',
      });
      expect(facts('CREATE TABLE "public"."invoice" ("id" integer)')).toMatchObject({
        tables: ['invoice'],
        schema: 'public',
      });
    });
  });

  describe('ALTER TABLE', () => {
    it('reads an added NOT NULL column with a constant default', () => {
      const sql = 'ALTER TABLE "invoice" ADD COLUMN "total" numeric NOT NULL DEFAULT 0';
      const described = facts(sql);
      expect(described.tables).toEqual(['invoice']);
      expect(described.objectType).toBe('OBJECT_TABLE');
      expect(described.actions).toEqual([
        {
          subtype: 'AT_AddColumn',
          column: 'total',
          notNull: true,
          notNullLocation: sql.indexOf('NOT NULL'),
          hasDefault: true,
          defaultIsVolatile: false,
        },
      ]);
    });

    it('reads a nullable column without a default', () => {
      expect(action('ALTER TABLE "invoice" ADD COLUMN "note" text')).toEqual({
        subtype: 'AT_AddColumn',
        column: 'note',
        notNull: false,
        notNullLocation: undefined,
        hasDefault: false,
        defaultIsVolatile: false,
      });
    });

    it('counts a primary key as NOT NULL', () => {
      expect(action('ALTER TABLE "a" ADD COLUMN "id" integer PRIMARY KEY')).toMatchObject({
        notNull: true,
        hasDefault: false,
      });
    });

    it('counts identity and generated columns as having a default', () => {
      expect(action('ALTER TABLE "a" ADD COLUMN "n" integer GENERATED ALWAYS AS IDENTITY')).toMatchObject({
        hasDefault: true,
        defaultIsVolatile: false,
      });
      expect(
        action('ALTER TABLE "a" ADD COLUMN "g" integer GENERATED ALWAYS AS ("n" * 2) STORED'),
      ).toMatchObject({ hasDefault: true });
    });

    it.each([
      ['random()', true],
      ['gen_random_uuid()', true],
      ['uuid_generate_v4()', true],
      ['clock_timestamp()', true],
      ['timeofday()', true],
      ['(floor(random() * 10))::integer', true],
      ['pg_catalog.random()', true],
      ['now()', false],
      ["'x'", false],
    ])('reads DEFAULT %s as volatile: %s', (expression, volatile) => {
      expect(action(`ALTER TABLE "a" ADD COLUMN "c" text DEFAULT ${expression}`).defaultIsVolatile).toBe(
        volatile,
      );
    });

    it('reads a default as no NOT NULL', () => {
      expect(action('ALTER TABLE "a" ADD COLUMN "c" integer DEFAULT 0')).toMatchObject({
        notNull: false,
        notNullLocation: undefined,
        hasDefault: true,
      });
    });

    it('reads whether a SET DEFAULT is volatile', () => {
      expect(action('ALTER TABLE "a" ALTER COLUMN "c" SET DEFAULT clock_timestamp()')).toEqual({
        subtype: 'AT_ColumnDefault',
        column: 'c',
        defaultIsVolatile: true,
      });
      expect(action('ALTER TABLE "a" ALTER COLUMN "c" SET DEFAULT 0').defaultIsVolatile).toBe(false);
      expect(action('ALTER TABLE "a" ALTER COLUMN "c" DROP DEFAULT')).toEqual({
        subtype: 'AT_ColumnDefault',
        column: 'c',
      });
    });

    it('reads a foreign key, and whether it is added NOT VALID', () => {
      expect(
        action(
          'ALTER TABLE "invoice" ADD CONSTRAINT "fk" FOREIGN KEY ("supplier_id") REFERENCES "supplier"("id")',
        ),
      ).toEqual({
        subtype: 'AT_AddConstraint',
        column: undefined,
        constraintType: 'CONSTR_FOREIGN',
        notValid: false,
        referencedTable: 'supplier',
        constraintName: 'fk',
      });
      expect(
        action(
          'ALTER TABLE "invoice" ADD CONSTRAINT "fk" FOREIGN KEY ("supplier_id") REFERENCES "supplier"("id") NOT VALID',
        ),
      ).toMatchObject({ constraintType: 'CONSTR_FOREIGN', notValid: true });
    });

    it('reads a CHECK constraint, and whether it is added NOT VALID', () => {
      expect(action('ALTER TABLE "a" ADD CONSTRAINT "c" CHECK ("n" > 0) NOT VALID')).toEqual({
        subtype: 'AT_AddConstraint',
        column: undefined,
        constraintType: 'CONSTR_CHECK',
        notValid: true,
        referencedTable: undefined,
        constraintName: 'c',
      });
      expect(action('ALTER TABLE "a" ADD CONSTRAINT "c" CHECK ("n" > 0)').notValid).toBe(false);
    });

    it('names the column of drop, set-not-null and type changes', () => {
      expect(action('ALTER TABLE "a" DROP COLUMN "x"')).toEqual({ subtype: 'AT_DropColumn', column: 'x' });
      expect(action('ALTER TABLE "a" ALTER COLUMN "x" SET NOT NULL')).toEqual({
        subtype: 'AT_SetNotNull',
        column: 'x',
      });
      expect(action('ALTER TABLE "a" ALTER COLUMN "x" TYPE bigint')).toMatchObject({
        subtype: 'AT_AlterColumnType',
        column: 'x',
      });
    });

    it('lists every sub-command of one statement', () => {
      const described = facts(
        'ALTER TABLE "billing"."a" DROP COLUMN "x", ALTER COLUMN "y" SET NOT NULL, ADD COLUMN "z" text',
      );
      expect(described.tables).toEqual(['billing.a']);
      expect(described.actions.map((a) => [a.subtype, a.column])).toEqual([
        ['AT_DropColumn', 'x'],
        ['AT_SetNotNull', 'y'],
        ['AT_AddColumn', 'z'],
      ]);
    });
  });

  describe('indexes, types, drops, renames, schemas, comments', () => {
    it('reads CREATE INDEX and whether it runs concurrently', () => {
      expect(facts('CREATE INDEX "idx" ON "billing"."invoice" ("total")')).toMatchObject({
        kind: 'IndexStmt',
        tables: ['billing.invoice'],
        indexes: ['idx'],
        concurrent: false,
      });
      expect(facts('CREATE INDEX CONCURRENTLY "idx" ON "invoice" ("total")').concurrent).toBe(true);
    });

    it('names the enum type created or altered, qualified outside public', () => {
      expect(facts(`CREATE TYPE "billing"."status" AS ENUM ('open')`)).toMatchObject({
        kind: 'CreateEnumStmt',
        types: ['billing.status'],
      });
      expect(facts(`CREATE TYPE "public"."status" AS ENUM ('open')`).types).toEqual(['status']);
      expect(facts(`ALTER TYPE "status" ADD VALUE 'paid'`)).toMatchObject({
        kind: 'AlterEnumStmt',
        types: ['status'],
      });
    });

    it('reads what a DROP removes', () => {
      expect(facts('DROP TABLE "a", "billing"."b"')).toMatchObject({
        kind: 'DropStmt',
        objectType: 'TABLE',
        concurrent: false,
        tables: ['a', 'billing.b'],
        indexes: [],
        types: [],
      });
      expect(facts('DROP INDEX CONCURRENTLY "idx"')).toMatchObject({
        objectType: 'INDEX',
        concurrent: true,
        tables: [],
        indexes: ['idx'],
        types: [],
      });
      expect(facts('DROP SCHEMA "billing"')).toMatchObject({
        objectType: 'SCHEMA',
        tables: [],
        indexes: [],
        types: [],
      });
      expect(facts('DROP TYPE "billing"."status"')).toMatchObject({
        objectType: 'TYPE',
        tables: [],
        indexes: [],
        types: ['billing.status'],
      });
    });

    it('lists a type only for a rename of a type', () => {
      expect(facts('ALTER TABLE "a" RENAME COLUMN "x" TO "y"').types).toEqual([]);
      expect(facts('ALTER DOMAIN "amount" RENAME TO "money_amount"').types).toEqual([]);
      expect(facts('ALTER PUBLICATION "p" RENAME TO "q"')).toMatchObject({
        objectType: 'PUBLICATION',
        tables: [],
        types: [],
      });
    });

    it('reads a rename of a column, a table and a type', () => {
      expect(facts('ALTER TABLE "a" RENAME COLUMN "x" TO "y"')).toMatchObject({
        kind: 'RenameStmt',
        objectType: 'COLUMN',
        tables: ['a'],
        types: [],
        actions: [{ subtype: 'RENAME_COLUMN', column: 'x' }],
      });
      expect(facts('ALTER TABLE "a" RENAME TO "b"')).toMatchObject({
        objectType: 'TABLE',
        tables: ['a'],
        actions: [{ subtype: 'RENAME_TABLE', column: undefined }],
      });
      expect(facts('ALTER TYPE "billing"."status" RENAME TO "state"')).toMatchObject({
        objectType: 'TYPE',
        tables: [],
        types: ['billing.status'],
      });
    });

    it('names the schema a CREATE SCHEMA makes', () => {
      expect(facts('CREATE SCHEMA "billing"')).toMatchObject({ kind: 'CreateSchemaStmt', schema: 'billing' });
    });

    it('reads what a COMMENT is on', () => {
      expect(facts(`COMMENT ON TABLE "a" IS 'x'`)).toMatchObject({
        kind: 'CommentStmt',
        objectType: 'OBJECT_TABLE',
        tables: [],
      });
    });
  });
});

describe('describeStatement', () => {
  it('describes one statement, keeping its text as given', () => {
    const described = describeStatement('DROP TABLE "a";');
    expect(described.sql).toBe('DROP TABLE "a";');
    expect(described.kind).toBe('DropStmt');
  });

  it('answers a repeated statement from memory', () => {
    const first = describeStatement('DROP TABLE "remembered"');
    describeStatement('DROP TABLE "other"');
    expect(describeStatement('DROP TABLE "remembered"')).toBe(first);
  });

  it('refuses text without a statement, quoting its first 80 characters', () => {
    expect(() => describeStatement('-- only a comment')).toThrow('not a SQL statement: -- only a comment');
    const long = `-- ${'x'.repeat(100)}`;
    expect(() => describeStatement(long)).toThrow(new Error(`not a SQL statement: ${long.slice(0, 80)}`));
  });

  it('keeps at most 5,000 statements in memory', async () => {
    vi.resetModules();
    const fresh = await import('../../src/sql/statement-facts');
    await fresh.loadSqlParser();
    const first = fresh.describeStatement('SELECT 0');
    for (let i = 1; i < 5_000; i += 1) fresh.describeStatement(`SELECT ${i}`);
    expect(fresh.describeStatement('SELECT 0')).toBe(first);
    fresh.describeStatement('SELECT 5000');
    expect(fresh.describeStatement('SELECT 0')).not.toBe(first);
  });
});

describe('qualifiedName', () => {
  it('leaves out the public schema and keeps any other', () => {
    expect(qualifiedName(undefined)).toBeUndefined();
    expect(qualifiedName({ relname: 'a' })).toBe('a');
    expect(qualifiedName({ relname: 'a', schemaname: 'public' })).toBe('a');
    expect(qualifiedName({ relname: 'a', schemaname: 'billing' })).toBe('billing.a');
  });
});

describe('views, metadata rows and extensions', () => {
  it('names the view a CREATE VIEW makes', () => {
    expect(facts('CREATE VIEW "reporting"."sale_total" AS SELECT 1 AS one').tables).toEqual([
      'reporting.sale_total',
    ]);
  });

  it('names the table an INSERT or DELETE writes', () => {
    expect(facts(`INSERT INTO "typeorm_metadata"("type", "name") VALUES ('VIEW', 'v')`).tables).toEqual([
      'typeorm_metadata',
    ]);
    expect(facts(`DELETE FROM "typeorm_metadata" WHERE "name" = 'v'`).tables).toEqual(['typeorm_metadata']);
  });

  it('names the extension a CREATE EXTENSION creates', () => {
    expect(facts('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"').extension).toBe('uuid-ossp');
  });
});
