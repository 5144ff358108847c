/**
 * `_dazzle_params` is framework infrastructure, not an entity: it must exist before any revision
 * can run (it holds runtime settings the migrator itself may read), so it is the one table created
 * with CREATE TABLE IF NOT EXISTS, and it is never part of the entity metadata.
 */
export const PARAMS_TABLE = '_dazzle_params';

export const CREATE_PARAMS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS "${PARAMS_TABLE}" (
  "key" varchar(200) NOT NULL,
  "scope" varchar(20) NOT NULL,
  "scope_id" varchar(200) NOT NULL DEFAULT '',
  "value_json" jsonb NOT NULL,
  "updated_by" varchar(200),
  "updated_at" timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT "PK__dazzle_params" PRIMARY KEY ("key", "scope", "scope_id"),
  CONSTRAINT "CHK__dazzle_params_scope" CHECK ("scope" IN ('system', 'tenant', 'user'))
)`;

/** The ledger of applied revisions; owned by the migrator, named here so nothing else can claim it. */
export const LEDGER_TABLE = '_dazzle_migrations';

/** The migration lock's lease row (one per database); owned by the migrator, named here for the same reason. */
export const MIGRATION_LEASE_TABLE = '_dazzle_migration_lease';
/** Where the migrator records a non-transactional revision in progress, or stopped partway. */
export const REVISION_PROGRESS_TABLE = '_dazzle_revision_progress';

/**
 * TypeORM keeps the expressions of generated columns in this side table and reads them back when
 * it diffs. It is created empty at bootstrap, like the ledger; only revisions write to it, so it
 * stays under the ledger like every other schema fact.
 */
export const TYPEORM_METADATA_TABLE = 'typeorm_metadata';

export const CREATE_TYPEORM_METADATA_TABLE_SQL = `CREATE TABLE IF NOT EXISTS "${TYPEORM_METADATA_TABLE}" (
  "type" varchar NOT NULL,
  "database" varchar,
  "schema" varchar,
  "table" varchar,
  "name" varchar,
  "value" text
)`;

/** Tables the framework creates outside any entity; no entity may use these names. */
export const INFRASTRUCTURE_TABLES: readonly string[] = Object.freeze([
  PARAMS_TABLE,
  LEDGER_TABLE,
  MIGRATION_LEASE_TABLE,
  REVISION_PROGRESS_TABLE,
  TYPEORM_METADATA_TABLE,
]);
