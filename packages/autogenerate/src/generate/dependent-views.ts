/**
 * A column's type cannot change while a view reads it (PostgreSQL: `cannot alter type of a column
 * used by a view or rule`). The type change is wrapped: every view over the column, and every view
 * over those views, is dropped first (dependants before what they read) and created again
 * afterwards from its definition in the catalogs (in the opposite order), so the views' column types
 * follow the new type. The down does the same. A view entity's row in `typeorm_metadata` keeps its
 * expression, which does not change, so TypeORM's next diff sees the view as it left it.
 */

import { quoteTable } from '@app/migrator';
import type { QueryRunner } from 'typeorm';
import type { RenderedStatement } from '../authoring/render-revision';

export interface DependentView {
  /** `view`, or `schema.view` outside public. */
  name: string;
  materialized: boolean;
  /** `SELECT …` as PostgreSQL prints the view's query. */
  definition: string;
}

/**
 * Views over `table.column`, directly or through other views, in the order they can be created.
 *
 * @example
 * await viewDependants(runner, 'sale', 'amount') // [{ name: 'sale_total', … }, { name: 'big_region', … }]
 */
export async function viewDependants(
  runner: QueryRunner,
  table: string,
  column: string,
): Promise<DependentView[]> {
  const rows: Array<{ name: string; kind: string; definition: string }> = await runner.query(
    `WITH RECURSIVE reader(oid, depth) AS (
       SELECT r.ev_class, 1
       FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
       JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
       WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
         AND d.refobjid = to_regclass($1) AND a.attname = $2 AND r.ev_class <> d.refobjid
       UNION
       SELECT r.ev_class, reader.depth + 1
       FROM reader JOIN pg_depend d ON d.refobjid = reader.oid AND d.refclassid = 'pg_class'::regclass
       JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
       WHERE r.ev_class <> reader.oid
     )
     SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name,
            c.relkind::text AS kind, pg_get_viewdef(c.oid) AS definition
     FROM (SELECT oid, max(depth) AS depth FROM reader GROUP BY oid) v
     JOIN pg_class c ON c.oid = v.oid JOIN pg_namespace n ON n.oid = c.relnamespace
     ORDER BY v.depth, 1`,
    [quoteTable(table), column],
  );
  return rows.map((r) => ({
    name: r.name,
    materialized: r.kind === 'm',
    definition: r.definition.trim().replace(/;$/, ''),
  }));
}

/** The statements around a type change: drop the views before it, create them again after. */
export function viewsAroundTypeChange(views: readonly DependentView[]): {
  before: RenderedStatement[];
  after: RenderedStatement[];
} {
  const kind = (v: DependentView) => (v.materialized ? 'MATERIALIZED VIEW' : 'VIEW');
  return {
    before: [...views].reverse().map((v) => ({
      sql: `DROP ${kind(v)} ${quoteTable(v.name)}`,
      note: `${v.name} reads the column whose type changes: dropped, then created again from its definition`,
    })),
    after: views.map((v) => ({ sql: `CREATE ${kind(v)} ${quoteTable(v.name)} AS ${v.definition}` })),
  };
}
