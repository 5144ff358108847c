/**
 * A database's schema as PostgreSQL's catalogs describe it: the one answer to "what does this
 * schema look like?". The down proof reads it on the shadow (inside its transaction), create-all
 * is held equal to replay with it, `check --live` compares a live database with a replay of its
 * applied revisions with it, and `stamp` refuses a database that does not match. Everything a
 * revision can create is here: tables with their columns in order (type, default, nullability,
 * identity, generation, collation), constraints and indexes by name (validity included), enums
 * with their labels in order, views, functions, triggers, extensions, sequences, comments and
 * TypeORM's metadata rows. The ledger's own tables and objects owned by extensions are left out.
 * Names are schema-qualified outside `public`.
 */
import { INFRASTRUCTURE_TABLES } from '@app/entities-framework';
import { withPgClient } from '../database/with-pg-client';
import { inlineParameters } from '../sql/quote';
import {
  COLUMNS_QUERY,
  ENUMS_QUERY,
  OBJECT_KINDS,
  OBJECT_QUERIES,
  type ObjectKind,
  TYPEORM_METADATA_QUERY,
} from './catalog-queries';

export { OBJECT_KINDS, type ObjectKind } from './catalog-queries';

/** Anything that can run a query and return its rows: a TypeORM QueryRunner or DataSource. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface CatalogColumn {
  table: string;
  column: string;
  /** 1-based, dropped columns not counted. */
  position: number;
  /** As `format_type` spells it, e.g. `character varying(20)`, `ticket_state`, `integer[]`. */
  type: string;
  /** The default expression; null when there is none or the column is generated. */
  default: string | null;
  /** Everything that must match: type, NOT NULL, identity, generation or default, collation. */
  definition: string;
}

export interface CatalogEnum {
  name: string;
  labels: string[];
}

export interface CatalogSnapshot {
  /** Every table's columns, table by table in column order. */
  columns: CatalogColumn[];
  enums: CatalogEnum[];
  /** Per kind, each object's name mapped to its description. */
  objects: Record<ObjectKind, Record<string, string>>;
  /** TypeORM's metadata rows, keyed `type.schema.table.name`. */
  typeormMetadata: Record<string, string>;
}

/** Every kind a comparison can name, in the order differences are listed. */
export const CATALOG_KINDS = [
  'extension',
  'schema',
  'enum',
  'table',
  'column',
  'constraint',
  'index',
  'sequence',
  'view',
  'function',
  'trigger',
  'comment',
  'typeorm_metadata',
] as const;

export type CatalogKind = (typeof CATALOG_KINDS)[number];

/** The ledger's tables, and TypeORM's metadata table (its rows are compared, not its shape). */
const BOOKKEEPING_TABLES = [...INFRASTRUCTURE_TABLES, 'typeorm_metadata'];

async function rows<T>(db: Queryable, sql: string, parameters: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, parameters)) as T[];
}

const METADATA_PRESENT_QUERY = `SELECT to_regclass('public.typeorm_metadata') IS NOT NULL AS present`;

function metadataFrom(found: ReadonlyArray<Record<string, string | null>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const row of found) {
    result[[row.type, row.schema, row.table, row.name].map((v) => v ?? '').join('.')] = row.value ?? '';
  }
  return result;
}

async function typeormMetadataRows(db: Queryable): Promise<Record<string, string>> {
  const [exists] = await rows<{ present: boolean }>(db, METADATA_PRESENT_QUERY);
  if (!exists?.present) return {};
  return metadataFrom(await rows<Record<string, string | null>>(db, TYPEORM_METADATA_QUERY));
}

function snapshotFrom(
  columns: ReadonlyArray<Omit<CatalogColumn, 'position'>>,
  enums: CatalogEnum[],
  objectRows: ReadonlyArray<ReadonlyArray<{ key: string; value: string | null }>>,
  typeormMetadata: Record<string, string>,
): CatalogSnapshot {
  const objects = {} as CatalogSnapshot['objects'];
  OBJECT_KINDS.forEach((kind, i) => {
    objects[kind] = Object.fromEntries(objectRows[i]!.map((row) => [row.key, row.value ?? '']));
  });
  let position = 0;
  return {
    columns: columns.map((c, i) => {
      position = i > 0 && columns[i - 1]!.table === c.table ? position + 1 : 1;
      return { ...c, position };
    }),
    enums,
    objects,
    typeormMetadata,
  };
}

/**
 * Reads the schema through `db`, which sees what its connection sees (a transaction's own
 * uncommitted changes included: the down proof relies on that).
 *
 * @example
 * const before = await readCatalog(queryRunner);
 */
export async function readCatalog(db: Queryable): Promise<CatalogSnapshot> {
  const columns = await rows<Omit<CatalogColumn, 'position'>>(db, COLUMNS_QUERY, [BOOKKEEPING_TABLES]);
  const enums = await rows<CatalogEnum>(db, ENUMS_QUERY);
  const objectRows: Array<Array<{ key: string; value: string | null }>> = [];
  for (const kind of OBJECT_KINDS) {
    const query = OBJECT_QUERIES[kind];
    objectRows.push(await rows(db, query, query.includes('$1') ? [BOOKKEEPING_TABLES] : []));
  }
  return snapshotFrom(columns, enums, objectRows, await typeormMetadataRows(db));
}

/** A pg connection (pg's Client): a string of several statements comes back as each one's rows. */
export interface MultiStatementConnection {
  query(sql: string): Promise<unknown>;
}

/**
 * readCatalog in one round trip (two when TypeORM's metadata table exists), for a caller that reads
 * the catalog several times on one connection, such as the down proof. The same queries, sent as
 * one string with the bookkeeping tables written in, so the rows are the same.
 *
 * @example
 * const before = await readCatalogInOneTrip(pgClient);
 */
export async function readCatalogInOneTrip(connection: MultiStatementConnection): Promise<CatalogSnapshot> {
  const queries = [COLUMNS_QUERY, ENUMS_QUERY, ...OBJECT_KINDS.map((kind) => OBJECT_QUERIES[kind])];
  const script = [...queries.map((q) => inlineParameters(q, [BOOKKEEPING_TABLES])), METADATA_PRESENT_QUERY];
  const results = (await connection.query(script.join(';\n'))) as Array<{ rows: unknown[] }>;
  const found = results.map((r) => r.rows);
  const [columns, enums, ...rest] = found;
  const objectRows = rest.slice(0, OBJECT_KINDS.length) as Array<
    Array<{ key: string; value: string | null }>
  >;
  const [present] = found.at(-1) as Array<{ present: boolean }>;
  const metadata = present?.present
    ? metadataFrom(
        ((await connection.query(TYPEORM_METADATA_QUERY)) as { rows: Array<Record<string, string | null>> })
          .rows,
      )
    : {};
  return snapshotFrom(
    columns as Array<Omit<CatalogColumn, 'position'>>,
    enums as CatalogEnum[],
    objectRows,
    metadata,
  );
}

/**
 * Reads the schema of the database at `url` on a connection of its own.
 *
 * @example
 * const [a, b] = await Promise.all([snapshotCatalog(replayedUrl), snapshotCatalog(createdUrl)]);
 * compareCatalogs(a, b) // [] when they are the same
 */
export async function snapshotCatalog(url: string): Promise<CatalogSnapshot> {
  return withPgClient(
    url,
    (client) => readCatalog({ query: async (sql, params) => (await client.query(sql, params)).rows }),
    { applicationName: 'dazzle catalog snapshot' },
  );
}
