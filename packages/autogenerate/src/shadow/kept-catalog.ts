/**
 * The kept shadow carries the catalog it holds. `revision` needs the catalog at the heads (the
 * down proof compares the catalog after the down with it), and reading it is a dozen catalog
 * queries on a connection whose caches are still cold: 50–60 ms of PostgreSQL's CPU at 50 tables,
 * 80–90 at 200, against 10–20 to load the stored one. A kept shadow changes only when dazzle
 * builds it or commits a proved revision into it, so the catalog is written then, in the same
 * transaction as the change (a failed commit takes it away too), and read back in the round trip
 * that checks the kept shadow is complete.
 *
 * It is a comment on the shadow's ledger table, which no catalog reading, diff or orphan check
 * looks at, and it names the kept shadow it describes and the server version that printed it: a
 * kept shadow renamed after another revision set (kept-shadow.ts, advance) or a server upgraded
 * in place (its `pg_get_*def` output may change) reads it as absent and falls back to reading
 * the catalog, as before.
 */
import { LEDGER_TABLE } from '@app/entities-framework';
import { type CatalogSnapshot, quoteIdent, readCatalogInOneTrip } from '@app/migrator';
import type pg from 'pg';

interface StoredCatalog {
  shadow: string;
  server: string;
  catalog: CatalogSnapshot;
}

const QUOTE_TAG = '$dazzle_kept_catalog$';

/**
 * The statement that stores `catalog` as what the kept shadow `name` holds, as read by the server
 * of version `serverVersion` (`server_version_num`); undefined in the one case it cannot be quoted.
 */
export function storeKeptCatalogSql(
  name: string,
  serverVersion: string,
  catalog: CatalogSnapshot,
): string | undefined {
  const stored: StoredCatalog = { shadow: name, server: serverVersion, catalog };
  const text = JSON.stringify(stored);
  // Dollar quoting takes the text as it is, whatever the server's string settings.
  if (text.includes(QUOTE_TAG)) return undefined;
  return `COMMENT ON TABLE ${quoteIdent(LEDGER_TABLE)} IS ${QUOTE_TAG}${text}${QUOTE_TAG}`;
}

/** Columns for the query that checks a kept shadow: its stored catalog and the server's version. */
export const KEPT_CATALOG_COLUMNS = `obj_description(to_regclass('${quoteIdent(LEDGER_TABLE)}'), 'pg_class') AS kept_catalog, current_setting('server_version_num') AS server_version`;

export interface KeptCatalogRow {
  kept_catalog: string | null;
  server_version: string;
}

/** The stored catalog, if it describes the kept shadow `name` as read by this server's version. */
export function keptCatalogFrom(row: KeptCatalogRow | undefined, name: string): CatalogSnapshot | undefined {
  if (!row?.kept_catalog?.startsWith('{"shadow":')) return undefined;
  try {
    const stored = JSON.parse(row.kept_catalog) as StoredCatalog;
    return stored.shadow === name && stored.server === row.server_version ? stored.catalog : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the catalog of a kept shadow just built (nothing else connected to it) and stores it there.
 *
 * @example
 * await onServer(url, (c) => recordKeptCatalog(c, name));
 */
export async function recordKeptCatalog(connection: pg.Client, name: string): Promise<void> {
  const catalog = await readCatalogInOneTrip(connection);
  const { rows } = await connection.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
  const sql = storeKeptCatalogSql(name, rows[0]!.v, catalog);
  if (sql) await connection.query(sql);
}
