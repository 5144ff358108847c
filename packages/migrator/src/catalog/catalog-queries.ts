/**
 * The catalog queries behind the one schema snapshot, kept apart from the reading so each kind's
 * rule ("what counts as this object, and what about it must match") can be read on its own.
 * NOT NULL is part of a column's definition, not a constraint here: PostgreSQL 18 also lists it
 * in pg_constraint under a generated name that a column rename does not follow.
 * Every query leaves out PostgreSQL's own schemas, objects an extension created (they are the
 * extension's, compared by its name) and the migrator's bookkeeping tables (`$1`).
 */

/** Kinds read as (key, value) text pairs; columns and enums are read as lists (see catalog-snapshot.ts). */
export const OBJECT_KINDS = [
  'extension',
  'schema',
  'table',
  'constraint',
  'index',
  'sequence',
  'view',
  'function',
  'trigger',
  'comment',
] as const;

export type ObjectKind = (typeof OBJECT_KINDS)[number];

const USER_SCHEMA = `NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`;
/** Not created by an extension (its functions, types and tables are the extension's, not ours). */
const NOT_EXTENSION_MEMBER = (oid: string, catalog: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = ${oid} AND dep.classid = '${catalog}'::regclass AND dep.deptype = 'e')`;
const NOT_LEDGER = (relname: string) => `${relname} <> ALL($1::text[])`;
/** `schema.name`, the schema left out for `public` so names read as the user wrote them. */
const QUALIFIED = (schema: string, name: string) =>
  `CASE WHEN ${schema} = 'public' THEN ${name} ELSE ${schema} || '.' || ${name} END`;

/** Rows of (table, column, type, default, definition), table by table in column order. */
export const COLUMNS_QUERY = `SELECT ${QUALIFIED('n.nspname', 'c.relname')} AS "table", a.attname AS "column",
    format_type(a.atttypid, a.atttypmod) AS type,
    CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS "default",
    format_type(a.atttypid, a.atttypmod)
      || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
      || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END
      || CASE WHEN a.attgenerated <> '' THEN ' GENERATED AS ' || pg_get_expr(d.adbin, d.adrelid)
              WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END
      || CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
              THEN ' COLLATE ' || (SELECT quote_ident(collname) FROM pg_collation WHERE oid = a.attcollation) ELSE '' END
      AS definition
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  WHERE c.relkind IN ('r', 'p') AND n.nspname ${USER_SCHEMA} AND ${NOT_LEDGER('c.relname')}
    AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}
  ORDER BY n.nspname, c.relname, a.attnum`;

/** Rows of (name, labels[]), labels in their sort order. */
export const ENUMS_QUERY = `SELECT ${QUALIFIED('n.nspname', 't.typname')} AS name,
    array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
  WHERE n.nspname ${USER_SCHEMA} AND ${NOT_EXTENSION_MEMBER('t.oid', 'pg_type')}
  GROUP BY n.nspname, t.typname ORDER BY 1`;

/** Each query returns rows of (key, value). */
export const OBJECT_QUERIES: Record<ObjectKind, string> = {
  extension: `SELECT extname AS key, extname AS value FROM pg_extension WHERE extname <> 'plpgsql'`,
  schema: `SELECT n.nspname AS key, '' AS value FROM pg_namespace n WHERE n.nspname ${USER_SCHEMA} AND n.nspname <> 'public'
    AND ${NOT_EXTENSION_MEMBER('n.oid', 'pg_namespace')}`,
  table: `SELECT ${QUALIFIED('n.nspname', 'c.relname')} AS key,
      CASE c.relpersistence WHEN 'u' THEN 'unlogged ' ELSE '' END
        || CASE c.relkind WHEN 'p' THEN 'partitioned table ' || pg_get_partkeydef(c.oid) ELSE 'table' END AS value
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname ${USER_SCHEMA} AND ${NOT_LEDGER('c.relname')}
      AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  constraint: `SELECT ${QUALIFIED('n.nspname', 'c.relname')} || '.' || k.conname AS key,
      pg_get_constraintdef(k.oid) || CASE WHEN k.convalidated THEN '' ELSE ' (NOT VALIDATED)' END AS value
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname ${USER_SCHEMA} AND ${NOT_LEDGER('c.relname')} AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}
      AND k.contype <> 'n'`,
  index: `SELECT ${QUALIFIED('n.nspname', 'i.relname')} AS key,
      pg_get_indexdef(x.indexrelid) || CASE WHEN x.indisvalid THEN '' ELSE ' (INVALID)' END AS value
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = i.relnamespace
    WHERE n.nspname ${USER_SCHEMA} AND ${NOT_LEDGER('c.relname')} AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  sequence: `SELECT ${QUALIFIED('n.nspname', 'c.relname')} AS key,
      format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || s.seqincrement
        || ' min ' || s.seqmin || ' max ' || s.seqmax || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END
        || COALESCE(' owned by ' || oc.relname || '.' || oa.attname, '') AS value
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_class oc ON oc.oid = d.refobjid LEFT JOIN pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
    WHERE n.nspname ${USER_SCHEMA} AND (oc.relname IS NULL OR ${NOT_LEDGER('oc.relname')})
      AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  view: `SELECT ${QUALIFIED('n.nspname', 'c.relname')} AS key,
      CASE c.relkind WHEN 'm' THEN 'MATERIALIZED ' ELSE '' END || pg_get_viewdef(c.oid) AS value
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('v', 'm') AND n.nspname ${USER_SCHEMA} AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  function: `SELECT ${QUALIFIED('n.nspname', 'p.proname')} || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS key,
      pg_get_functiondef(p.oid) AS value
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind IN ('f', 'p') AND n.nspname ${USER_SCHEMA} AND ${NOT_EXTENSION_MEMBER('p.oid', 'pg_proc')}`,
  trigger: `SELECT ${QUALIFIED('n.nspname', 'c.relname')} || '.' || t.tgname AS key, pg_get_triggerdef(t.oid) AS value
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT t.tgisinternal AND n.nspname ${USER_SCHEMA} AND ${NOT_LEDGER('c.relname')}`,
  comment: `SELECT ${QUALIFIED('n.nspname', 'c.relname')} || COALESCE('.' || a.attname, '') AS key, d.description AS value
    FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
    WHERE n.nspname ${USER_SCHEMA} AND ${NOT_LEDGER('c.relname')} AND ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
};

/** TypeORM's metadata rows (generated columns, views it created), once the table exists. */
export const TYPEORM_METADATA_QUERY = `SELECT type, schema, "table", name, value FROM public.typeorm_metadata`;
