/**
 * An index that a hand-written revision built (`CREATE INDEX CONCURRENTLY`, the guide's pattern
 * for a table in use) is unknown to TypeORM until an entity declares it, so `check` would propose
 * `DROP INDEX`. Writing that revision is the wrong advice: the entity must declare the index. This
 * module reads the index from the catalog of the database the revisions were replayed into and
 * spells the exact `@Index(…)` to put on the entity's class.
 */
import { describeStatement } from '../sql/statement-facts';
import type { Queryable } from './catalog-snapshot';

export interface UndeclaredIndex {
  index: string;
  table: string;
  /** What to put on the entity's class, e.g. `@Index('item_name_idx', ['name'])`. */
  decorator: string;
}

interface IndexRow {
  index: string;
  table: string;
  unique: boolean;
  plain: boolean;
  where: string | null;
  columns: string[];
}

/** btree over plain columns, no INCLUDE, no DESC/NULLS options: what `@Index(name, columns)` describes. */
const INDEX_QUERY = `SELECT i.relname AS index,
    CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS "table",
    x.indisunique AS unique, pg_get_expr(x.indpred, x.indrelid) AS "where",
    (am.amname = 'btree' AND x.indexprs IS NULL AND x.indnkeyatts = x.indnatts
      AND NOT EXISTS (SELECT 1 FROM unnest(x.indoption::int2[]) o WHERE o <> 0)) AS plain,
    ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = i.relnamespace JOIN pg_am am ON am.oid = i.relam
  WHERE i.relname = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)`;

const quoted = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function decoratorFor(row: IndexRow, propertyOf: (table: string, column: string) => string): string {
  if (!row.plain) return `@Index(${quoted(row.index)}, { synchronize: false })`;
  const columns = row.columns.map((c) => quoted(propertyOf(row.table, c))).join(', ');
  const options = [
    ...(row.unique ? ['unique: true'] : []),
    ...(row.where ? [`where: ${quoted(row.where)}`] : []),
  ];
  return `@Index(${quoted(row.index)}, [${columns}]${options.length > 0 ? `, { ${options.join(', ')} }` : ''})`;
}

/**
 * The declaration each named index needs, read where the revisions built them. Indexes behind a
 * constraint (primary keys, UNIQUE constraints) are left out: those are declared as columns.
 *
 * @example
 * await undeclaredIndexes(shadow, ['item_name_idx'], (table, column) => column)
 * // [{ index: 'item_name_idx', table: 'item', decorator: "@Index('item_name_idx', ['name'])" }]
 */
export async function undeclaredIndexes(
  db: Queryable,
  names: readonly string[],
  propertyOf: (table: string, column: string) => string = (_table, column) => column,
): Promise<UndeclaredIndex[]> {
  if (names.length === 0) return [];
  const rows = (await db.query(INDEX_QUERY, [names])) as IndexRow[];
  return rows.map((row) => ({
    index: row.index,
    table: row.table,
    decorator: decoratorFor(row, propertyOf),
  }));
}

/** The line `check` prints for one: what was found, and what to declare where. */
export function declarationAdvice(found: UndeclaredIndex, entity: string | undefined): string {
  return `index "${found.index}" on ${found.table} is made by a revision but no entity declares it: add ${found.decorator} to the class of ${entity ? `entity ${entity}` : `the entity of ${found.table}`} (without it, a generated revision would drop the index)`;
}

/**
 * Marks each `DROP INDEX` among `changes` whose index a revision built with the declaration that
 * keeps it (`declare`), so `check` advises declaring it rather than writing a revision.
 *
 * @example
 * const missing = await adviseIndexDeclarations(shadow, changes, propertyOf);
 * missing.filter((m) => m.declare).map((m) => m.declare)
 */
export async function adviseIndexDeclarations<T extends { sql: string; entity: string | undefined }>(
  db: Queryable,
  changes: readonly T[],
  propertyOf?: (table: string, column: string) => string,
): Promise<Array<T & { declare?: string }>> {
  const dropped = changes.map((change) => {
    const facts = describeStatement(change.sql);
    return facts.kind === 'DropStmt' && facts.objectType === 'INDEX' ? facts.indexes[0] : undefined;
  });
  const found = await undeclaredIndexes(
    db,
    dropped.filter((name): name is string => name !== undefined),
    propertyOf,
  );
  return changes.map((change, i) => {
    const index = found.find((f) => f.index === dropped[i]);
    return index ? { ...change, declare: declarationAdvice(index, change.entity) } : change;
  });
}
