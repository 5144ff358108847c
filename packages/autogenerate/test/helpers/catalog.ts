/** Reads facts back from PostgreSQL's catalogs, so tests assert on what the database really holds. */
import pg from 'pg';

export async function sql<T = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function tables(url: string): Promise<string[]> {
  const rows = await sql<{ t: string }>(
    url,
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
  );
  return rows.map((r) => r.t);
}

export async function ledgerIds(url: string): Promise<string[]> {
  const rows = await sql<{ id: string }>(url, `SELECT id FROM _dazzle_migrations ORDER BY id`);
  return rows.map((r) => r.id);
}

/**
 * Everything about the schema that two build paths must agree on, from the catalogs: columns
 * (type, default, nullability), constraints with definitions, indexes, enum types with values.
 */
export async function schemaSnapshot(url: string): Promise<Record<string, unknown[]>> {
  const skip = `NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`;
  return {
    columns: await sql(
      url,
      `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
              pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE n.nspname ${skip} AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND c.relname NOT LIKE '\\_dazzle\\_%'
       ORDER BY 1, 2`,
    ),
    constraints: await sql(
      url,
      `SELECT c.relname AS table, k.conname AS name, k.contype AS type, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname ${skip} AND c.relname NOT LIKE '\\_dazzle\\_%' ORDER BY 1, 2`,
    ),
    indexes: await sql(
      url,
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname ${skip} AND tablename NOT LIKE '\\_dazzle\\_%' ORDER BY 1, 2`,
    ),
    enums: await sql(
      url,
      `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY 1`,
    ),
  };
}
