/**
 * What `revision --expand` reads about the column whose type changes, on the shadow as it was
 * before the change: its types, NOT NULL, default and comment, which the contract revision puts
 * back; and what depends on it. This slice carries plain columns over only: an index, a
 * constraint (primary key, unique, foreign key either way, check), a generated column or a view on
 * the column would have to be rebuilt on the new column, so `--expand` refuses it, naming the
 * dependant and what to do instead.
 */
import { describeStatement, MigratorError, quoteTable } from '@app/migrator';
import type { QueryRunner } from 'typeorm';
import type { RenderedStatement } from '../authoring/render-revision';
import type { RetypedColumn } from './expand-contract';
import { isTableRewritingType } from './type-rewrite-warnings';

/** The one table-rewriting type change `--expand` turns into expand/contract. */
export interface TypeChangeToExpand {
  readonly table: string;
  readonly column: string;
}

function refuse(message: string, details: Record<string, unknown> = {}): never {
  throw new MigratorError('EXPAND_NOT_POSSIBLE', message, details);
}

/**
 * The single column type change of a revision, or EXPAND_NOT_POSSIBLE when it has none, several,
 * or other statements besides.
 *
 * @example
 * typeChangeToExpand([{ sql: 'ALTER TABLE "bill" ALTER COLUMN "total" TYPE bigint USING "total"::bigint' }]);
 * // { table: 'bill', column: 'total' }
 */
export function typeChangeToExpand(up: readonly RenderedStatement[]): TypeChangeToExpand {
  const changes: TypeChangeToExpand[] = [];
  const others: string[] = [];
  for (const statement of up) {
    const facts = describeStatement(statement.sql);
    const actions = facts.actions.filter((a) => a.subtype === 'AT_AlterColumnType');
    const table = facts.tables[0];
    if (
      facts.kind === 'AlterTableStmt' &&
      table &&
      actions.length === facts.actions.length &&
      actions.length > 0
    )
      changes.push(
        ...actions
          .map((a) => ({ table, column: a.column ?? '', newType: a.newType }))
          .filter((a) => isTableRewritingType(a.newType)),
      );
    else others.push(statement.sql.replace(/\s+/g, ' '));
  }
  if (changes.length === 0)
    refuse(
      'This revision has no column type change that rewrites its table, so there is nothing to expand: run `dazzle db revision` without --expand.',
    );
  if (changes.length > 1 || others.length > 0)
    refuse(
      `--expand writes one column type change at a time, and this revision also ${others.length > 0 ? `runs ${others[0]!.slice(0, 160)}` : `changes ${changes.map((c) => `${c.table}.${c.column}`).join(', ')}`}: make the other changes in a revision of their own first (change the entities one step at a time), then run --expand for the type change alone.`,
      { others, changes },
    );
  return { table: changes[0]!.table, column: changes[0]!.column };
}

/**
 * Reads the column's facts on a database where it still has its old type, refusing a column
 * something depends on.
 */
export async function readRetypedColumn(
  runner: QueryRunner,
  change: TypeChangeToExpand,
  newType: string,
): Promise<RetypedColumn> {
  const relation = quoteTable(change.table);
  const [column]: Array<{
    attnum: number;
    type: string;
    notnull: boolean;
    default: string | null;
    comment: string | null;
  }> = await runner.query(
    `SELECT a.attnum, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(d.adbin, d.adrelid) AS default, col_description(a.attrelid, a.attnum) AS comment
     FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = $1::regclass AND a.attname = $2 AND NOT a.attisdropped`,
    [relation, change.column],
  );
  if (!column)
    refuse(`${change.table}.${change.column} was not found on the shadow database before the change.`);
  // Everything recorded as depending on the column, except its own default.
  const dependants: Array<{ what: string }> = await runner.query(
    `SELECT CASE WHEN d.classid = 'pg_rewrite'::regclass
                 THEN 'view ' || (SELECT r.ev_class::regclass::text FROM pg_rewrite r WHERE r.oid = d.objid)
                 ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END AS what
     FROM pg_depend d
     WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = $1::regclass AND d.refobjsubid = $2
       AND d.classid <> 'pg_attrdef'::regclass AND d.deptype IN ('n', 'a')
       -- PostgreSQL 18 records NOT NULL as a constraint: the contract revision puts it back.
       AND NOT (d.classid = 'pg_constraint'::regclass AND (SELECT c.contype FROM pg_constraint c WHERE c.oid = d.objid) = 'n')
     ORDER BY 1`,
    [relation, column.attnum],
  );
  const generated: Array<{ name: string }> = await runner.query(
    `SELECT a.attname AS name FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = $1::regclass AND a.attgenerated <> '' AND a.attnum <> $2
       AND EXISTS (SELECT 1 FROM pg_depend p WHERE p.classid = 'pg_attrdef'::regclass AND p.objid = d.oid AND p.refobjsubid = $2)`,
    [relation, column.attnum],
  );
  const first = dependants[0]?.what ?? (generated[0] ? `generated column ${generated[0].name}` : undefined);
  if (first)
    refuse(
      `${change.table}.${change.column} has a dependant, ${first}, which --expand does not rebuild on the new column yet: drop it in a revision of its own first and add it back after the contract revision, or run without --expand (the type change then rewrites ${change.table} under ACCESS EXCLUSIVE).`,
      {
        table: change.table,
        column: change.column,
        dependants: [...dependants.map((d) => d.what), ...generated.map((g) => `generated column ${g.name}`)],
      },
    );
  return {
    table: change.table,
    column: change.column,
    oldType: column.type,
    newType,
    notNull: column.notnull,
    defaultSql: column.default ?? undefined,
    comment: column.comment ?? undefined,
  };
}
