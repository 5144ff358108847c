/**
 * create-all: builds the tables of the entity metadata directly, for a fresh database, instead of
 * replaying every revision. It only ever creates: a statement that would alter an existing table
 * is never run. With `stamp`, the ledger records every revision as applied in the same transaction.
 */
import { INFRASTRUCTURE_TABLES } from '@app/entities-framework';
import type { DataSource, QueryRunner } from 'typeorm';
import { diffSchema } from '../generate/schema-diff';
import { describeStatement, loadSqlParser } from '../sql/statement-facts';

const CREATING_KINDS = new Set([
  'CreateStmt',
  'CreateEnumStmt',
  'CreateSchemaStmt',
  'IndexStmt',
  'AlterTableStmt',
  'CommentStmt',
]);

/** Tables in the database, schema-qualified outside public. */
async function existingTables(db: QueryRunner): Promise<Set<string>> {
  const rows: Array<{ s: string; t: string }> = await db.query(
    `SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  return new Set(rows.map((r) => (r.s === 'public' ? r.t : `${r.s}.${r.t}`)));
}

/**
 * The statements that create what is missing: new tables with their types, indexes and keys.
 * ALTER TABLE is kept only for tables created here (their foreign keys).
 */
export async function missingTableStatements(entities: DataSource, db: QueryRunner): Promise<string[]> {
  await loadSqlParser();
  const existing = await existingTables(db);
  const created = new Set<string>();
  const statements: string[] = [];
  for (const sql of (await diffSchema(entities)).up) {
    const facts = describeStatement(sql);
    if (!CREATING_KINDS.has(facts.kind)) continue;
    if (facts.kind === 'CreateStmt') {
      if (existing.has(facts.tables[0]!)) continue;
      created.add(facts.tables[0]!);
      if (facts.schema && facts.schema !== 'public')
        statements.push(`CREATE SCHEMA IF NOT EXISTS "${facts.schema.replace(/"/g, '""')}"`);
    } else if (facts.kind === 'AlterTableStmt' || facts.kind === 'IndexStmt') {
      if (!facts.tables.every((t) => created.has(t))) continue;
      if (facts.kind === 'AlterTableStmt' && !facts.actions.every((a) => a.subtype === 'AT_AddConstraint'))
        continue;
    }
    statements.push(sql);
  }
  return statements;
}

/** True when the database has no tables besides the framework's infrastructure tables. */
export async function isEmptyDatabase(db: QueryRunner): Promise<boolean> {
  const tables = [...(await existingTables(db))].filter((t) => !INFRASTRUCTURE_TABLES.includes(t));
  return tables.length === 0;
}
