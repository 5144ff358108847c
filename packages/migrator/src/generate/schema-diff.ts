/**
 * TypeORM's own generator (`driver.createSchemaBuilder().log()`): the statements that would make
 * the database match the entity metadata, with parameters inlined and `down` in reverse order.
 */
import type { DataSource } from 'typeorm';
import type { RenderedStatement } from '../authoring/render-revision';
import { inlineParameters } from '../sql/quote';
import { describeStatement } from '../sql/statement-facts';
import { entityTablePath, withoutPublic } from '../sql/table-path';
import type { TableLineage } from './table-lineage';

export interface SchemaDiff {
  readonly up: readonly string[];
  readonly down: readonly string[];
}

export interface DiffScope {
  /** Compare only the entities mapped to these tables (`table`, or `schema.table` outside public). */
  only?: ReadonlySet<string>;
}

/**
 * TypeORM records generated-column expressions in `typeorm_metadata` under the current database's
 * name. Generated against a shadow database, that name would be baked into the revision; say
 * `current_database()` instead so the statement means the same on every database it runs on.
 */
function portable(sql: string, database: string): string {
  return sql.includes('"typeorm_metadata"') ? sql.split(`'${database}'`).join('current_database()') : sql;
}

export async function diffSchema(dataSource: DataSource, scope: DiffScope = {}): Promise<SchemaDiff> {
  const { only } = scope;
  if (only?.size === 0) return { up: [], down: [] };
  // TypeORM's builder compares every entity with `synchronize` set; narrowing is done through it.
  const narrowed = only
    ? dataSource.entityMetadatas.filter((m) => m.synchronize && !only.has(entityTablePath(m)))
    : [];
  for (const m of narrowed) m.synchronize = false;
  try {
    const log = await dataSource.driver.createSchemaBuilder().log();
    const [{ name }] = (await dataSource.query('SELECT current_database() AS name')) as [{ name: string }];
    const text = (q: { query: string; parameters?: unknown[] }) =>
      portable(inlineParameters(q.query, q.parameters ?? []).trim(), name!);
    return { up: log.upQueries.map(text), down: [...log.downQueries].reverse().map(text) };
  } finally {
    for (const m of narrowed) m.synchronize = true;
  }
}

/**
 * The tables a script changes, or undefined when some statement names none we can resolve (then
 * only a full comparison is sound). Every statement TypeORM writes about a table names it, or an
 * index or enum type that `tables` resolves to it.
 */
export function touchedTables(
  statements: readonly RenderedStatement[],
  tables: TableLineage,
): ReadonlySet<string> | undefined {
  const touched = new Set<string>();
  for (const statement of statements) {
    const found = tables.tablesOf(describeStatement(statement.sql));
    if (found.length === 0) return undefined;
    for (const table of found) touched.add(withoutPublic(table));
  }
  return touched;
}

/** Tables where TypeORM drops a column or changes its type: where a type change may hide. */
export function tablesChangingColumns(
  statements: readonly string[],
  tables: TableLineage,
): ReadonlySet<string> {
  const found = new Set<string>();
  for (const sql of statements) {
    const facts = describeStatement(sql);
    if (!facts.actions.some((a) => a.subtype === 'AT_DropColumn' || a.subtype === 'AT_AlterColumnType'))
      continue;
    for (const table of tables.tablesOf(facts)) found.add(withoutPublic(table));
  }
  return found;
}
