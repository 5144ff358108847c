/**
 * The schema as PostgreSQL's catalogs hold it, in one comparable value: tables, columns in order
 * (type, default, nullability, generation expression), constraints with their names, indexes,
 * enum types with their labels in order, views with their definitions, extensions. It is what
 * the down proof compares: the schema after `down` must be the schema before `up`. The migrator's
 * own bookkeeping tables are left out.
 */

/** Anything that can run a query and return rows: a TypeORM QueryRunner or DataSource. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface CatalogSnapshot {
  /** `table.column` → its definition, in column order per table. */
  columns: Array<{
    table: string;
    column: string;
    position: number;
    type: string;
    default: string | null;
    definition: string;
  }>;
  constraints: Array<{ table: string; name: string; definition: string }>;
  indexes: Array<{ table: string; name: string; definition: string }>;
  enums: Array<{ name: string; labels: string[] }>;
  views: Array<{ name: string; definition: string }>;
  extensions: string[];
}

const USER_SCHEMAS = `NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`;
const NOT_OURS = (column: string) => `${column} NOT LIKE '\\_dazzle\\_%' AND ${column} <> 'typeorm_metadata'`;

async function rows<T>(db: Queryable, sql: string): Promise<T[]> {
  return (await db.query(sql)) as T[];
}

/**
 * Reads the snapshot in a handful of catalog queries.
 *
 * @example
 * const before = await catalogSnapshot(runner);
 */
export async function catalogSnapshot(db: Queryable): Promise<CatalogSnapshot> {
  const table = `CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END`;
  const columns = await rows<{
    table: string;
    column: string;
    type: string;
    default: string | null;
    definition: string;
  }>(
    db,
    `SELECT ${table} AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS type,
            CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS "default",
            format_type(a.atttypid, a.atttypmod)
              || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
              || CASE WHEN a.attgenerated = 's' THEN ' GENERATED ' || pg_get_expr(d.adbin, d.adrelid)
                      WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END
              || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END AS definition
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE n.nspname ${USER_SCHEMAS} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
         AND ${NOT_OURS('c.relname')}
       ORDER BY 1, a.attnum`,
  );
  const constraints = await rows<{ table: string; name: string; definition: string }>(
    db,
    `SELECT ${table} AS "table", k.conname AS name, pg_get_constraintdef(k.oid) AS definition
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname ${USER_SCHEMAS} AND ${NOT_OURS('c.relname')} ORDER BY 1, 2`,
  );
  const indexes = await rows<{ table: string; name: string; definition: string }>(
    db,
    `SELECT tablename AS "table", indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE schemaname ${USER_SCHEMAS} AND ${NOT_OURS('tablename')} ORDER BY 1, 2`,
  );
  const enums = await rows<{ name: string; labels: string[] }>(
    db,
    `SELECT CASE WHEN n.nspname = 'public' THEN t.typname ELSE n.nspname || '.' || t.typname END AS name,
            array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     GROUP BY 1 ORDER BY 1`,
  );
  const views = await rows<{ name: string; definition: string }>(
    db,
    `SELECT ${table} AS name, c.relkind::text || ' ' || pg_get_viewdef(c.oid) AS definition
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname ${USER_SCHEMAS} AND c.relkind IN ('v', 'm') ORDER BY 1`,
  );
  const extensions = await rows<{ name: string }>(
    db,
    `SELECT extname AS name FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`,
  );
  return {
    columns: columns.map((c, i) => ({ ...c, position: positionIn(columns, i) })),
    constraints,
    indexes,
    enums,
    views,
    extensions: extensions.map((e) => e.name),
  };
}

/** The column's position among its table's columns (dropped ones not counted). */
function positionIn(columns: ReadonlyArray<{ table: string }>, index: number): number {
  let position = 0;
  for (let i = index - 1; i >= 0 && columns[i]!.table === columns[index]!.table; i--) position++;
  return position + 1;
}

export interface SnapshotDifference {
  /** What differs, for a person: `column invoice.status: was …, now …`. */
  text: string;
  /**
   * Only the order of a table's columns differs. PostgreSQL cannot put a column back where it
   * was: a down that re-adds a dropped column adds it last, which changes no query by name.
   */
  orderOnly: boolean;
}

function keyed<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => string) {
  return new Map(items.map((item) => [key(item), value(item)]));
}

function differences(kind: string, expected: Map<string, string>, actual: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [key, was] of expected) {
    const now = actual.get(key);
    if (now === undefined) found.push(`${kind} ${key} is missing (was ${was})`);
    else if (now !== was) found.push(`${kind} ${key} was ${was}, now ${now}`);
  }
  for (const [key, now] of actual) if (!expected.has(key)) found.push(`${kind} ${key} is extra (${now})`);
  return found;
}

/**
 * What differs between two snapshots, `expected` being the one to get back to.
 *
 * @example
 * compareSnapshots(beforeUp, afterDown) // [] when the down restored the schema exactly
 */
export function compareSnapshots(expected: CatalogSnapshot, actual: CatalogSnapshot): SnapshotDifference[] {
  const column = (c: CatalogSnapshot['columns'][number]) => `${c.table}.${c.column}`;
  const named = (c: { table: string; name: string }) => `${c.table}.${c.name}`;
  const found = [
    ...differences(
      'column',
      keyed(expected.columns, column, (c) => c.definition),
      keyed(actual.columns, column, (c) => c.definition),
    ),
    ...differences(
      'constraint',
      keyed(expected.constraints, named, (c) => c.definition),
      keyed(actual.constraints, named, (c) => c.definition),
    ),
    ...differences(
      'index',
      keyed(expected.indexes, named, (c) => c.definition),
      keyed(actual.indexes, named, (c) => c.definition),
    ),
    ...differences(
      'enum',
      keyed(
        expected.enums,
        (e) => e.name,
        (e) => e.labels.join(', '),
      ),
      keyed(
        actual.enums,
        (e) => e.name,
        (e) => e.labels.join(', '),
      ),
    ),
    ...differences(
      'view',
      keyed(
        expected.views,
        (v) => v.name,
        (v) => v.definition,
      ),
      keyed(
        actual.views,
        (v) => v.name,
        (v) => v.definition,
      ),
    ),
    ...differences(
      'extension',
      keyed(
        expected.extensions,
        (e) => e,
        () => 'installed',
      ),
      keyed(
        actual.extensions,
        (e) => e,
        () => 'installed',
      ),
    ),
  ].map((text) => ({ text, orderOnly: false }));
  if (found.length > 0) return found;
  const order = (s: CatalogSnapshot, table: string) =>
    s.columns.filter((c) => c.table === table).map((c) => c.column);
  for (const table of new Set(expected.columns.map((c) => c.table))) {
    const was = order(expected, table);
    const now = order(actual, table);
    if (was.join() !== now.join())
      found.push({
        text: `table ${table} has its columns in another order (${now.join(', ')})`,
        orderOnly: true,
      });
  }
  return found;
}
