/**
 * TypeORM changes an enum column by swapping its type (`ALTER COLUMN … TYPE … USING`), which
 * PostgreSQL refuses while a view reads the column. Our own type changes (pre-steps) already wrap
 * the views; this does the same for the type changes left in TypeORM's diff: each view over such a
 * column is dropped right before the statement and created again once the swap is over (its type
 * renamed back, the default restored), from its definition in the catalogs before the revision. The same pair wraps the statement
 * that changes the type back in the down.
 */
import { describeStatement, type StatementFacts } from '@app/migrator';
import type { QueryRunner } from 'typeorm';
import type { RenderedStatement } from '../authoring/render-revision';
import { type DependentView, viewDependants, viewsAroundTypeChange } from './dependent-views';

/** Statements that finish an enum swap: the view can come back only once its type has its name again. */
function finishesSwap(facts: StatementFacts): boolean {
  if (facts.kind === 'RenameStmt' || facts.kind === 'DropStmt') return facts.objectType === 'TYPE';
  return (
    facts.kind === 'AlterTableStmt' &&
    facts.actions.length > 0 &&
    facts.actions.every((a) => a.subtype === 'AT_ColumnDefault')
  );
}

async function wrap(
  runner: QueryRunner,
  statements: readonly RenderedStatement[],
): Promise<RenderedStatement[]> {
  const result: RenderedStatement[] = [];
  let pending: RenderedStatement[] = [];
  for (const statement of statements) {
    const facts = describeStatement(statement.sql);
    if (pending.length > 0 && !finishesSwap(facts)) {
      result.push(...pending);
      pending = [];
    }
    const retyped =
      facts.kind === 'AlterTableStmt'
        ? facts.actions.filter((a) => a.subtype === 'AT_AlterColumnType' && a.column).map((a) => a.column!)
        : [];
    const found = new Map<string, DependentView>();
    for (const column of retyped)
      for (const view of await viewDependants(runner, facts.tables[0]!, column)) found.set(view.name, view);
    const around = viewsAroundTypeChange([...found.values()]);
    result.push(...around.before, statement);
    pending.push(...around.after);
  }
  return [...result, ...pending];
}

/**
 * The up and down with every type change in them wrapped by the views that read the column; read
 * on the shadow before the up runs.
 *
 * @example
 * ({ up, down } = await wrapViewsAroundTypeChanges(runner, processed.up, processed.down));
 */
export async function wrapViewsAroundTypeChanges(
  runner: QueryRunner,
  up: readonly RenderedStatement[],
  down: readonly RenderedStatement[],
): Promise<{ up: RenderedStatement[]; down: RenderedStatement[] }> {
  return { up: await wrap(runner, up), down: await wrap(runner, down) };
}
