/** Reads facts back from PostgreSQL's catalogs, so tests assert on what the database really holds. */

import { type CatalogSnapshot, compareCatalogs, formatDifference, snapshotCatalog } from '@app/migrator';
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
 * What differs between `before` and the schema at `url` now, one line each, as the one catalog
 * comparison reports it. A column put back last by a down is not counted: PostgreSQL cannot
 * reorder columns, and the down proof accepts it for the same reason.
 */
export async function schemaChangesSince(before: CatalogSnapshot, url: string): Promise<string[]> {
  return compareCatalogs(before, await snapshotCatalog(url))
    .filter((d) => !d.orderOnly)
    .map(formatDifference);
}
