/**
 * TypeORM's own generator (`driver.createSchemaBuilder().log()`): the statements that would make
 * the database match the entity metadata, with parameters inlined and `down` in reverse order
 * (diffSchema, shared with create-all, lives in @app/migrator), and what a script touches.
 */

import { describeStatement, withoutPublic } from '@app/migrator';
import type { RenderedStatement } from '../authoring/render-revision';
import type { TableLineage } from './table-lineage';

export { type DiffScope, diffSchema, type SchemaDiff } from '@app/migrator';

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
