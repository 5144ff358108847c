/**
 * A column's type cannot change while a stored generated column is computed from it (PostgreSQL:
 * `cannot alter type of a column used by a generated column`). The type change is wrapped: each
 * dependent generated column is dropped first and added back afterwards with its own type and
 * expression, read from the catalogs, so the values are computed again; the down does the same.
 */
import { quoteIdent, quoteTable } from '@app/migrator';
import type { QueryRunner } from 'typeorm';
import type { RenderedStatement } from '../authoring/render-revision';

export interface GeneratedDependant {
  name: string;
  type: string;
  expression: string;
  notNull: boolean;
}

/** The stored generated columns of `table` whose expression uses `column`. */
export async function generatedDependants(
  runner: QueryRunner,
  table: string,
  column: string,
): Promise<GeneratedDependant[]> {
  return runner.query(
    `SELECT g.attname AS name, format_type(g.atttypid, g.atttypmod) AS type, pg_get_expr(d.adbin, d.adrelid) AS expression,
            g.attnotnull AS "notNull"
     FROM pg_attribute c
     JOIN pg_depend dep ON dep.refobjid = c.attrelid AND dep.refobjsubid = c.attnum AND dep.classid = 'pg_attrdef'::regclass
     JOIN pg_attrdef d ON d.oid = dep.objid
     JOIN pg_attribute g ON g.attrelid = d.adrelid AND g.attnum = d.adnum AND g.attgenerated = 's'
     WHERE c.attrelid = to_regclass($1) AND c.attname = $2
     ORDER BY g.attnum`,
    [quoteTable(table), column],
  );
}

/** The statements around a type change: drop each dependant before it, add it back after. */
export function aroundTypeChange(
  table: string,
  dependants: readonly GeneratedDependant[],
): { before: RenderedStatement[]; after: RenderedStatement[] } {
  const target = quoteTable(table);
  return {
    before: dependants.map((g) => ({
      sql: `ALTER TABLE ${target} DROP COLUMN ${quoteIdent(g.name)}`,
      note: `${g.name} is computed from the column whose type changes: dropped, then added back with its expression`,
    })),
    after: dependants.map((g) => ({
      sql: `ALTER TABLE ${target} ADD COLUMN ${quoteIdent(g.name)} ${g.type} GENERATED ALWAYS AS (${g.expression}) STORED${g.notNull ? ' NOT NULL' : ''}`,
    })),
  };
}
