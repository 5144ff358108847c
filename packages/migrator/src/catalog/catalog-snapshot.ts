/**
 * A database's schema as PostgreSQL's catalogs describe it, reduced to comparable text: the one
 * answer to "do these two databases have the same schema?". create-all is held equal to replay
 * with it, `check --live` compares a live database with a replay of its applied revisions with it,
 * and `stamp` refuses a database that does not match. Everything a revision can create is here:
 * tables with their columns in order, constraints and indexes by name (validity included), enums,
 * views, functions, triggers, extensions, sequences, comments and TypeORM's metadata rows. The
 * ledger's own tables and objects owned by extensions are left out.
 */
import { INFRASTRUCTURE_TABLES } from '@app/entities-framework';
import pg from 'pg';
import { withPgClient } from '../database/with-pg-client';

export const CATALOG_KINDS = [
  'extension',
  'schema',
  'enum',
  'table',
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

/** Per kind, each object's qualified name mapped to its description. */
export type CatalogSnapshot = Record<CatalogKind, Record<string, string>>;

const USER_SCHEMA = `NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`;
/** Not created by an extension (its functions, types and tables are the extension's, not ours). */
const NOT_EXTENSION_MEMBER = (oid: string, catalog: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = ${oid} AND dep.classid = '${catalog}'::regclass AND dep.deptype = 'e')`;
const NOT_LEDGER = (relname: string) => `${relname} <> ALL($1::text[])`;

/** Each query returns rows of (key, value); `$1` is the list of ledger tables to leave out. */
const QUERIES: Record<Exclude<CatalogKind, 'typeorm_metadata'>, string> = {
  extension: `SELECT extname AS key, extname AS value FROM pg_extension WHERE extname <> 'plpgsql'`,
  schema: `SELECT n.nspname AS key, '' AS value FROM pg_namespace n WHERE n.nspname ${USER_SCHEMA} AND n.nspname <> 'public'
    AND ${NOT_EXTENSION_MEMBER('n.oid', 'pg_namespace')}`,
  enum: `SELECT n.nspname || '.' || t.typname AS key, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) AS value
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE n.nspname ${USER_SCHEMA} AND ${NOT_EXTENSION_MEMBER('t.oid', 'pg_type')} GROUP BY 1`,
  table: `SELECT n.nspname || '.' || c.relname AS key,
      string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
        || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
        || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END
        || CASE WHEN a.attgenerated <> '' THEN ' GENERATED AS ' || pg_get_expr(d.adbin, d.adrelid)
                WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END,
        ', ' ORDER BY a.attnum) AS value
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
    WHERE c.relkind IN ('r', 'p') AND n.nspname ${USER_SCHEMA} AND ${NOT_LEDGER('c.relname')}
      AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')} GROUP BY 1`,
  constraint: `SELECT n.nspname || '.' || c.relname || '.' || k.conname AS key, pg_get_constraintdef(k.oid) AS value
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname ${USER_SCHEMA} AND ${NOT_LEDGER('c.relname')} AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  index: `SELECT n.nspname || '.' || i.relname AS key,
      pg_get_indexdef(x.indexrelid) || CASE WHEN x.indisvalid THEN '' ELSE ' (INVALID)' END AS value
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = i.relnamespace
    WHERE n.nspname ${USER_SCHEMA} AND ${NOT_LEDGER('c.relname')} AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  sequence: `SELECT n.nspname || '.' || c.relname AS key,
      format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || s.seqincrement
        || ' min ' || s.seqmin || ' max ' || s.seqmax || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END
        || COALESCE(' owned by ' || oc.relname || '.' || oa.attname, '') AS value
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_class oc ON oc.oid = d.refobjid LEFT JOIN pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
    WHERE n.nspname ${USER_SCHEMA} AND (oc.relname IS NULL OR ${NOT_LEDGER('oc.relname')})
      AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  view: `SELECT n.nspname || '.' || c.relname AS key,
      CASE c.relkind WHEN 'm' THEN 'MATERIALIZED ' ELSE '' END || pg_get_viewdef(c.oid) AS value
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('v', 'm') AND n.nspname ${USER_SCHEMA} AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  function: `SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS key,
      pg_get_functiondef(p.oid) AS value
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind IN ('f', 'p') AND n.nspname ${USER_SCHEMA} AND ${NOT_EXTENSION_MEMBER('p.oid', 'pg_proc')}`,
  trigger: `SELECT n.nspname || '.' || c.relname || '.' || t.tgname AS key, pg_get_triggerdef(t.oid) AS value
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT t.tgisinternal AND n.nspname ${USER_SCHEMA} AND ${NOT_LEDGER('c.relname')}`,
  comment: `SELECT n.nspname || '.' || c.relname || COALESCE('.' || a.attname, '') AS key, d.description AS value
    FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
    WHERE n.nspname ${USER_SCHEMA} AND ${NOT_LEDGER('c.relname')} AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
};

/** typeorm_metadata exists only once TypeORM wrote to it (generated columns, views it created). */
async function typeormMetadataRows(client: pg.Client): Promise<Record<string, string>> {
  const exists = await client.query(`SELECT to_regclass('public.typeorm_metadata') IS NOT NULL AS present`);
  if (!exists.rows[0].present) return {};
  const rows = await client.query(
    `SELECT type, database, schema, "table", name, value FROM public.typeorm_metadata ORDER BY 1, 3, 4, 5`,
  );
  const result: Record<string, string> = {};
  for (const row of rows.rows as Array<Record<string, string | null>>) {
    result[[row.type, row.schema, row.table, row.name].map((v) => v ?? '').join('.')] = row.value ?? '';
  }
  return result;
}

/**
 * Reads the schema of the database at `url`.
 *
 * @example
 * const [a, b] = await Promise.all([snapshotCatalog(replayedUrl), snapshotCatalog(createdUrl)]);
 * compareCatalogs(a, b) // [] when they are the same
 */
export async function snapshotCatalog(url: string): Promise<CatalogSnapshot> {
  return withPgClient(
    url,
    async (client) => {
      const ledger = [...INFRASTRUCTURE_TABLES, 'typeorm_metadata'];
      const snapshot = {} as CatalogSnapshot;
      for (const kind of CATALOG_KINDS) {
        if (kind === 'typeorm_metadata') {
          snapshot[kind] = await typeormMetadataRows(client);
          continue;
        }
        const params = QUERIES[kind].includes('$1') ? [ledger] : [];
        const { rows } = await client.query(QUERIES[kind], params);
        const entries: Record<string, string> = {};
        for (const row of rows as Array<{ key: string; value: string | null }>) {
          entries[row.key.replace(/^public\./, '')] = row.value ?? '';
        }
        snapshot[kind] = entries;
      }
      return snapshot;
    },
    { applicationName: 'dazzle catalog snapshot' },
  );
}
