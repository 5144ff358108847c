/**
 * Makes TypeORM's enum type swaps runnable and safe. To change an enum it renames the type to
 * `…_old`, creates the new one and moves the column over with `ALTER COLUMN … TYPE … USING`.
 * When only values were added, its up is `ADD VALUE` and its down is that swap without dropping
 * the column's default first, which PostgreSQL refuses (`default for column "status" cannot be
 * cast automatically`). Here each swap gets, from the catalogs of the schema it runs on and the
 * schema it must produce: the default dropped before and restored after, and a guard that stops
 * the revision while rows hold a value the new type lacks.
 */
import { describeStatement, quoteIdent, quoteTable, type StatementFacts } from '@app/migrator';
import type { RenderedStatement } from '../authoring/render-revision';
import type { CatalogSnapshot } from './catalog-snapshot';
import { enumGuard } from './data-guards';

type Column = CatalogSnapshot['columns'][number];

function columnOf(snapshot: CatalogSnapshot, table: string, column: string): Column | undefined {
  return snapshot.columns.find((c) => c.table === table && c.column === column);
}

function enumLabels(snapshot: CatalogSnapshot, type: string): string[] | undefined {
  const name = type.replace(/^public\./, '').replace(/"/g, '');
  return snapshot.enums.find((e) => e.name === name)?.labels;
}

function changesDefault(facts: StatementFacts, table: string, column: string): boolean {
  return (
    facts.kind === 'AlterTableStmt' &&
    facts.tables[0] === table &&
    facts.actions.some((a) => a.subtype === 'AT_ColumnDefault' && a.column === column)
  );
}

/** Where the default can come back: once the new type carries its final name again. */
function restoreAt(facts: readonly StatementFacts[], from: number): number {
  for (let i = from + 1; i < facts.length; i++) {
    const f = facts[i]!;
    if (f.kind === 'RenameStmt' && f.objectType === 'TYPE') return i;
    if (f.kind === 'AlterTableStmt') return i - 1;
  }
  return facts.length - 1;
}

/**
 * Rewrites the enum swaps in `statements`, which run on the schema `state` and produce `target`.
 *
 * @example
 * down = guardEnumSwaps(down, afterUp, beforeUp);
 */
export function guardEnumSwaps(
  statements: readonly RenderedStatement[],
  state: CatalogSnapshot,
  target: CatalogSnapshot,
): RenderedStatement[] {
  const facts = statements.map((s) => describeStatement(s.sql));
  const before = new Map<number, RenderedStatement[]>();
  const after = new Map<number, RenderedStatement[]>();
  const add = (map: Map<number, RenderedStatement[]>, at: number, s: RenderedStatement) =>
    map.set(at, [...(map.get(at) ?? []), s]);
  facts.forEach((f, i) => {
    const action = f.actions.find((a) => a.subtype === 'AT_AlterColumnType');
    const table = f.tables[0];
    if (f.kind !== 'AlterTableStmt' || !action?.column || !table) return;
    const now = columnOf(state, table, action.column);
    const next = columnOf(target, table, action.column);
    const labelsNow = now && enumLabels(state, now.type);
    const labelsNext = next && enumLabels(target, next.type);
    if (!now || !next || !labelsNow || !labelsNext || now.type.endsWith('[]')) return;
    const lost = labelsNow.filter((l) => !labelsNext.includes(l));
    if (lost.length > 0) add(before, i, enumGuard(table, action.column, labelsNext, next.type));
    const handled = facts.slice(0, i).some((p) => changesDefault(p, table, action.column!));
    if (now.default === null || handled) return;
    const target_ = `ALTER TABLE ${quoteTable(table)} ALTER COLUMN ${quoteIdent(action.column)}`;
    add(before, i, {
      sql: `${target_} DROP DEFAULT`,
      note: `the default of ${table}.${action.column} cannot be cast to the swapped type`,
    });
    if (next.default !== null)
      add(after, restoreAt(facts, i), { sql: `${target_} SET DEFAULT ${next.default}` });
  });
  return statements.flatMap((s, i) => [...(before.get(i) ?? []), s, ...(after.get(i) ?? [])]);
}
