/**
 * What a downgrade destroys, worked out before it runs: each revision's `down` is recorded (not
 * run) and read with PostgreSQL's own parser for the tables it drops and the columns it drops;
 * then the live database is asked how many rows those tables hold and how many non-null values
 * those columns hold. A downgrade that would lose any of them is refused unless the caller allows
 * it (`--allow-destructive`, or a yes on a terminal), so reverting never loses data silently.
 */
import type { QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';
import type { RevisionGraph } from '../graph/revision-graph';
import { loadRevisionModule } from '../revision/load-revision';
import { quoteIdent, quoteTable } from '../sql/quote';
import { describeSql, loadSqlParser, type StatementFacts } from '../sql/statement-facts';
import { recordStatements } from './offline-sql';

/** One table or column a downgrade drops, with what it holds now. */
export interface DroppedData {
  /** The revision whose `down` drops it. */
  readonly revision: string;
  readonly table: string;
  /** Set when only a column is dropped. */
  readonly column?: string;
  /** Rows in the table, or non-null values in the column. */
  readonly rows: number;
}

export interface DowngradeLossOptions {
  /** Revert even when data would be lost (`--allow-destructive`). */
  allowDestructive?: boolean;
  /** Asked (on a terminal) when data would be lost and it is not allowed: true reverts anyway. */
  confirmLoss?: (loss: readonly DroppedData[]) => Promise<boolean>;
}

interface DropTarget {
  table: string;
  column?: string;
}

/** The tables and columns one statement drops (pure: from the parser's facts). */
export function dropsOf(facts: StatementFacts): DropTarget[] {
  if (facts.kind === 'DropStmt' && facts.objectType === 'TABLE') {
    return facts.tables.map((table) => ({ table }));
  }
  if (facts.kind === 'AlterTableStmt' && facts.tables[0]) {
    const table = facts.tables[0];
    return facts.actions
      .filter((a) => a.subtype === 'AT_DropColumn' && a.column)
      .map((a) => ({ table, column: a.column }));
  }
  return [];
}

/** What `plan`'s downs drop, in plan order; revisions whose down cannot be recorded are skipped. */
async function plannedDrops(
  graph: RevisionGraph,
  plan: readonly string[],
): Promise<Array<DropTarget & { revision: string }>> {
  await loadSqlParser();
  const drops: Array<DropTarget & { revision: string }> = [];
  for (const id of plan) {
    const info = graph.get(id)!;
    let statements: string[];
    try {
      statements = await recordStatements(info, await loadRevisionModule(info), 'down');
    } catch {
      continue; // a down that calls QueryRunner helpers: it is run as written, only not measured
    }
    for (const facts of describeSql(statements.join('\n'))) {
      for (const drop of dropsOf(facts)) drops.push({ ...drop, revision: id });
    }
  }
  return drops;
}

/**
 * How many rows (or non-null values) a dropped table (or column) holds now; 0 when it does not
 * exist, and for a generated column: its values are computed from the others, so nothing is lost.
 */
async function countHeld(db: QueryRunner, drop: DropTarget): Promise<number> {
  const [exists] = await db.query(
    drop.column
      ? `SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped AND attgenerated = ''`
      : 'SELECT 1 WHERE to_regclass($1) IS NOT NULL',
    drop.column ? [quoteTable(drop.table), drop.column] : [quoteTable(drop.table)],
  );
  if (!exists) return 0;
  const counted = drop.column ? `count(${quoteIdent(drop.column)})` : 'count(*)';
  const [row] = await db.query(`SELECT ${counted}::bigint AS n FROM ${quoteTable(drop.table)}`);
  return Number(row.n);
}

/** Measures what reverting `plan` would drop, on the database `db` is connected to. */
export async function measureDowngradeLoss(
  db: QueryRunner,
  graph: RevisionGraph,
  plan: readonly string[],
): Promise<DroppedData[]> {
  const measured: DroppedData[] = [];
  for (const drop of await plannedDrops(graph, plan)) {
    measured.push({ ...drop, rows: await countHeld(db, drop) });
  }
  return measured;
}

/** `table "product" (3 rows)` / `column "customer"."fax" (2 values)`. */
export function describeDroppedData(item: DroppedData): string {
  const n = item.rows;
  return item.column
    ? `column ${quoteTable(item.table)}.${quoteIdent(item.column)} (${n} value${n === 1 ? '' : 's'})`
    : `table ${quoteTable(item.table)} (${n} row${n === 1 ? '' : 's'})`;
}

/**
 * Measures the loss, and throws DOWNGRADE_DESTROYS_DATA when data would be lost and neither the
 * options nor the person at the terminal allow it. Returns what was measured, for the result.
 */
export async function guardDowngradeLoss(
  db: QueryRunner,
  graph: RevisionGraph,
  plan: readonly string[],
  options: DowngradeLossOptions = {},
): Promise<DroppedData[]> {
  if (plan.length === 0) return [];
  const measured = await measureDowngradeLoss(db, graph, plan);
  const lost = measured.filter((item) => item.rows > 0);
  if (lost.length === 0 || options.allowDestructive) return measured;
  if (options.confirmLoss && (await options.confirmLoss(lost))) return measured;
  throw new MigratorError(
    'DOWNGRADE_DESTROYS_DATA',
    `Reverting would destroy data in ${lost.map(describeDroppedData).join(', ')}: nothing was reverted. Back the data up, then run the downgrade again with --allow-destructive.`,
    { lost: lost.map(({ revision, table, column, rows }) => ({ revision, table, column, rows })) },
  );
}
