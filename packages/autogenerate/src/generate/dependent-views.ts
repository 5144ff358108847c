/**
 * A column's type cannot change while a view reads it (PostgreSQL: `cannot alter type of a column
 * used by a view or rule`). The type change is wrapped: every view over the column, and every view
 * over those views, is dropped first (dependants before what they read) and created again
 * afterwards from its definition in the catalogs (in the opposite order), so the views' column types
 * follow the new type. The down does the same. What DROP VIEW takes with it and CREATE VIEW does
 * not give back, the view's privileges (GRANTs, table and column level) and its comments, is read
 * from the catalogs too and granted and commented again right after the view is created. A view
 * entity's row in `typeorm_metadata` keeps its expression, which does not change, so TypeORM's next
 * diff sees the view as it left it.
 */

import { quoteIdent, quoteLiteral, quoteTable } from '@app/migrator';
import type { QueryRunner } from 'typeorm';
import type { RenderedStatement } from '../authoring/render-revision';

export interface DependentView {
  /** `view`, or `schema.view` outside public. */
  name: string;
  materialized: boolean;
  /** `SELECT …` as PostgreSQL prints the view's query. */
  definition: string;
  /** GRANT and COMMENT statements that give the recreated view what the dropped one had. */
  restore: string[];
}

interface Grant {
  grantee: string;
  privilege: string;
  grantable: boolean;
  /** Set for a column-level privilege. */
  column: string | null;
}
interface Comment {
  column: string | null;
  text: string;
}

/** Privileges the owner did not get by owning: the recreated view's owner gets those anyway. */
const EXTRAS_SQL = `
  (SELECT json_agg(json_build_object('grantee', g.grantee, 'privilege', g.privilege, 'grantable', g.grantable, 'column', g.col))
   FROM (SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END AS grantee,
                a.privilege_type AS privilege, a.is_grantable AS grantable, NULL::name AS col
         FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner
         UNION ALL
         SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END, a.privilege_type,
                a.is_grantable, att.attname
         FROM pg_attribute att, aclexplode(att.attacl) a
         WHERE att.attrelid = c.oid AND att.attnum > 0 AND att.attacl IS NOT NULL AND a.grantee <> c.relowner) g
  ) AS grants,
  (SELECT json_agg(json_build_object('column', d.col, 'text', d.text))
   FROM (SELECT NULL::name AS col, obj_description(c.oid, 'pg_class') AS text
         UNION ALL
         SELECT att.attname, col_description(c.oid, att.attnum)
         FROM pg_attribute att WHERE att.attrelid = c.oid AND att.attnum > 0 AND NOT att.attisdropped) d
   WHERE d.text IS NOT NULL
  ) AS comments`;

function restoreStatements(
  name: string,
  materialized: boolean,
  grants: Grant[],
  comments: Comment[],
): string[] {
  const view = quoteTable(name);
  const kind = materialized ? 'MATERIALIZED VIEW' : 'VIEW';
  const byGrantee = new Map<
    string,
    { grantee: string | null; column: string | null; grantable: boolean; privileges: string[] }
  >();
  for (const g of grants) {
    const key = JSON.stringify([g.grantee, g.column, g.grantable]);
    const entry = byGrantee.get(key) ?? {
      grantee: g.grantee,
      column: g.column,
      grantable: g.grantable,
      privileges: [],
    };
    entry.privileges.push(g.privilege);
    byGrantee.set(key, entry);
  }
  return [
    ...comments.map((c) =>
      c.column === null
        ? `COMMENT ON ${kind} ${view} IS ${quoteLiteral(c.text)}`
        : `COMMENT ON COLUMN ${view}.${quoteIdent(c.column)} IS ${quoteLiteral(c.text)}`,
    ),
    ...[...byGrantee.values()].map(
      (g) =>
        `GRANT ${g.privileges.join(', ')}${g.column === null ? '' : ` (${quoteIdent(g.column)})`} ON ${view} TO ${g.grantee === null ? 'PUBLIC' : quoteIdent(g.grantee)}${g.grantable ? ' WITH GRANT OPTION' : ''}`,
    ),
  ];
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
  const rows: Array<{
    name: string;
    kind: string;
    definition: string;
    grants: Grant[] | null;
    comments: Comment[] | null;
  }> = await runner.query(
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
            c.relkind::text AS kind, pg_get_viewdef(c.oid) AS definition, ${EXTRAS_SQL}
     FROM (SELECT oid, max(depth) AS depth FROM reader GROUP BY oid) v
     JOIN pg_class c ON c.oid = v.oid JOIN pg_namespace n ON n.oid = c.relnamespace
     ORDER BY v.depth, 1`,
    [quoteTable(table), column],
  );
  return rows.map((r) => ({
    name: r.name,
    materialized: r.kind === 'm',
    definition: r.definition.trim().replace(/;$/, ''),
    restore: restoreStatements(r.name, r.kind === 'm', r.grants ?? [], r.comments ?? []),
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
      note: `${v.name} reads the column whose type changes: dropped, then created again from its definition${v.restore.length > 0 ? ', its grants and comments' : ''}`,
    })),
    after: views.flatMap((v) => [
      { sql: `CREATE ${kind(v)} ${quoteTable(v.name)} AS ${v.definition}` },
      ...v.restore.map((sql) => ({ sql })),
    ]),
  };
}
