/**
 * Extensions an exclusion constraint needs. `EXCLUDE USING gist ("room" WITH =, "during" WITH &&)`
 * over an integer (or text, uuid, date, …) column needs `btree_gist`, which gives those types a
 * GiST operator class; without it PostgreSQL refuses with `data type integer has no default
 * operator class`. The constraint's expression is read with PostgreSQL's parser.
 */
import type { EntityMetadata } from 'typeorm';
import { loadSqlParser } from './statement-facts';

type Node = Record<string, unknown>;

/** Types GiST indexes natively (ranges, geometry, full text, network): no btree_gist needed. */
const NATIVE_GIST =
  /(range|multirange|point|box|polygon|circle|line|lseg|path|tsvector|tsquery|inet|cidr|geometry|geography)$/;

/** The columns an exclusion compares, by their names in the expression. */
function excludedColumns(expression: string): { method: string; columns: string[] } {
  const parser = require('libpg-query') as { parseSync(sql: string): { stmts: Array<{ stmt: Node }> } };
  const [entry] = parser.parseSync(`ALTER TABLE t ADD CONSTRAINT c EXCLUDE ${expression}`).stmts;
  const alter = entry?.stmt.AlterTableStmt as Node | undefined;
  const cmd = ((alter?.cmds as Node[] | undefined)?.[0]?.AlterTableCmd as Node | undefined) ?? {};
  const constraint = ((cmd.def as Node | undefined)?.Constraint as Node | undefined) ?? {};
  const columns = ((constraint.exclusions as Node[] | undefined) ?? []).flatMap((pair) => {
    const [element] = ((pair.List as Node | undefined)?.items as Node[] | undefined) ?? [];
    const name = (element?.IndexElem as Node | undefined)?.name;
    return typeof name === 'string' ? [name] : [];
  });
  return { method: String(constraint.access_method ?? 'btree'), columns };
}

/**
 * `btree_gist` when an exclusion of these entities compares a scalar column with GiST.
 *
 * @example
 * await exclusionExtensions(entities) // ['btree_gist']
 */
export async function exclusionExtensions(entities: readonly EntityMetadata[]): Promise<string[]> {
  if (!entities.some((m) => m.exclusions.length > 0)) return [];
  await loadSqlParser();
  for (const m of entities) {
    for (const exclusion of m.exclusions) {
      const { method, columns } = excludedColumns(exclusion.expression ?? '');
      if (method !== 'gist') continue;
      const scalar = columns.some((name) => {
        const column = m.columns.find((c) => c.databaseName === name);
        return column !== undefined && !NATIVE_GIST.test(String(column.type));
      });
      if (scalar) return ['btree_gist'];
    }
  }
  return [];
}
