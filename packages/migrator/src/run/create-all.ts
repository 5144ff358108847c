/**
 * create-all: builds the tables (and views, and the extensions they need) of the entity metadata
 * directly, for a fresh database, instead of replaying every revision. It only ever creates: a statement that would alter an existing table
 * is never run. With `stamp`, the ledger records every revision as applied in the same transaction.
 */
import { INFRASTRUCTURE_TABLES, TYPEORM_METADATA_TABLE } from '@app/entities-framework';
import type { EntityClass } from '@app/metadata-builder';
import type { DataSource, QueryRunner } from 'typeorm';
import { openDataSource } from '../database/connect';
import type { RevisionGraph } from '../graph/revision-graph';
import { insertLedgerRow } from '../ledger/ledger';
import { quoteIdent } from '../sql/quote';
import { requiredExtensions } from '../sql/required-extensions';
import { diffSchema } from '../sql/schema-diff';
import { describeStatement, loadSqlParser, type StatementFacts } from '../sql/statement-facts';
import type { RevisionOutcome } from './execute-revision';
import { inTransaction } from './transaction';

const CREATING_KINDS = new Set([
  'CreateStmt',
  'CreateEnumStmt',
  'CreateSchemaStmt',
  'IndexStmt',
  'AlterTableStmt',
  'CommentStmt',
  'ViewStmt',
]);

/** Tables in the database, schema-qualified outside public. */
async function existingTables(db: QueryRunner): Promise<Set<string>> {
  const rows: Array<{ s: string; t: string }> = await db.query(
    `SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  return new Set(rows.map((r) => (r.s === 'public' ? r.t : `${r.s}.${r.t}`)));
}

/** Whether create-all runs this statement: it creates a missing table or view, or belongs to one created here. */
function createsWhatIsMissing(facts: StatementFacts, existing: Set<string>, created: Set<string>): boolean {
  if (!CREATING_KINDS.has(facts.kind)) return false;
  if (facts.kind === 'ViewStmt' || facts.kind === 'CreateStmt') {
    if (existing.has(facts.tables[0]!)) return false;
    created.add(facts.tables[0]!);
  } else if (facts.kind === 'AlterTableStmt' || facts.kind === 'IndexStmt') {
    if (!facts.tables.every((t) => created.has(t))) return false;
    if (facts.kind === 'AlterTableStmt' && !facts.actions.every((a) => a.subtype === 'AT_AddConstraint'))
      return false;
  }
  return true;
}

/**
 * The statements that create what is missing: new tables with their types, indexes and keys.
 * ALTER TABLE is kept only for tables created here (their foreign keys).
 */
export async function missingTableStatements(entities: DataSource, db: QueryRunner): Promise<string[]> {
  await loadSqlParser();
  const existing = await existingTables(db);
  const created = new Set<string>();
  const statements = await missingExtensionStatements(entities, db);
  // TypeORM records a view's expression in typeorm_metadata right after creating it, and a
  // generated column's right before creating its table: a row is kept with the object next to it.
  let keptPrevious = false;
  let rowsBefore: string[] = [];
  for (const sql of (await diffSchema(entities)).up) {
    const facts = describeStatement(sql);
    if (
      (facts.kind === 'InsertStmt' || facts.kind === 'DeleteStmt') &&
      facts.tables[0] === TYPEORM_METADATA_TABLE
    ) {
      if (keptPrevious) statements.push(sql);
      else rowsBefore.push(sql);
      continue;
    }
    const kept = createsWhatIsMissing(facts, existing, created);
    if (kept && facts.kind === 'CreateStmt' && facts.schema && facts.schema !== 'public')
      statements.push(`CREATE SCHEMA IF NOT EXISTS "${facts.schema.replace(/"/g, '""')}"`);
    if (kept) statements.push(sql, ...rowsBefore);
    rowsBefore = [];
    keptPrevious = kept;
  }
  return statements;
}

/** CREATE EXTENSION for each extension the entities need that the database lacks (see required-extensions). */
async function missingExtensionStatements(entities: DataSource, db: QueryRunner): Promise<string[]> {
  const installed: Array<{ extname: string }> = await db.query('SELECT extname FROM pg_extension');
  return (await requiredExtensions(entities.entityMetadatas))
    .filter((name) => !installed.some((row) => row.extname === name))
    .map((name) => `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(name)}`);
}

/** True when the database has no tables besides the framework's infrastructure tables. */
export async function isEmptyDatabase(db: QueryRunner): Promise<boolean> {
  const tables = [...(await existingTables(db))].filter((t) => !INFRASTRUCTURE_TABLES.includes(t));
  return tables.length === 0;
}

/** Creates the entities' missing tables in one transaction; returns the statements it ran. */
export async function createMissingTables(
  db: QueryRunner,
  databaseUrl: string,
  entities: readonly EntityClass[],
): Promise<string[]> {
  const source = await openDataSource(databaseUrl, { entities, poolSize: 1 });
  try {
    const statements = await missingTableStatements(source, db);
    await inTransaction(db, async () => {
      for (const sql of statements) await db.query(sql);
    });
    return statements;
  } finally {
    await source.destroy();
  }
}

/**
 * On an empty database: the extensions the planned revisions create, every table from the entities,
 * and every planned revision stamped, in one transaction.
 */
export async function createAllAndStamp(
  db: QueryRunner,
  databaseUrl: string,
  entities: readonly EntityClass[],
  graph: RevisionGraph,
  plan: readonly string[],
  revisionExtensions: readonly string[] = [],
): Promise<RevisionOutcome[]> {
  const source = await openDataSource(databaseUrl, { entities, poolSize: 1 });
  try {
    // Replay would create these whether or not today's entities still need them.
    const statements = [
      ...revisionExtensions.map((name) => `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(name)}`),
      ...(await missingTableStatements(source, db)),
    ];
    const started = performance.now();
    await inTransaction(db, async () => {
      for (const sql of statements) await db.query(sql);
      for (const id of plan) await insertLedgerRow(db, graph.get(id)!, 0, 'create-all');
    });
    const durationMs = (performance.now() - started) / Math.max(1, plan.length);
    return plan.map((id) => {
      const info = graph.get(id)!;
      return { id, lineage: info.lineage, message: info.message, direction: 'up' as const, durationMs };
    });
  } finally {
    await source.destroy();
  }
}
