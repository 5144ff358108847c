/**
 * @app/migrator: what `dazzle db upgrade` and `dazzle serve` need to apply revisions: the revision
 * graph, manifests and checksums, the ledger, upgrade and downgrade under the lock, create-all,
 * stamp, offline SQL and the schema status. Writing revisions lives in @app/autogenerate.
 */

// Re-exported so the CLI and server need only the migrator's public door for these.
export { DazzleError, isDazzleError } from '@app/entities-framework';
export { type BuiltMetadata, buildMetadata, type EntityClass } from '@app/metadata-builder';
export { type CompileErrorLocation, describeCompileError } from './config/compile-error';
export {
  CONFIG_DEFAULTS,
  type DazzleConfig,
  defineConfig,
  type EmptyDatabaseStrategy,
  type RevisionFormat,
} from './config/config';
export { CONFIG_FILE_NAMES, findConfigFile, type LoadedConfig, loadConfig } from './config/load-config';
export { firstUserFrame, remapStack } from './config/user-stack';
export {
  assertPostgresUrl,
  type ConnectRetry,
  connectionFailure,
  databaseNameOf,
  databaseUrl,
  describeConnectRetry,
  maskSecrets,
  maskUrl,
  type OpenDataSourceOptions,
  openDataSource,
} from './database/connect';
export { MIGRATOR_ERROR_CODES, MigratorError, type MigratorErrorCode } from './errors';
export { multipleHeadsError, planDowngrade, planUpgrade, resolveRevision, singleHead } from './graph/plan';
export { RevisionGraph } from './graph/revision-graph';
export {
  APPLIED_BY,
  insertLedgerRowSql,
  type LedgerMethod,
  type LedgerRow,
  ledgerRowParameters,
} from './ledger/ledger';
export { LOCK_CLASS_ID, LOCK_OBJECT_ID, type LockHolder } from './lock/migration-lock';
export { Migrator } from './migrator';
export type {
  CurrentState,
  HistoryEntry,
  MigratorEvent,
  MigratorOptions,
  RunResult,
  UpgradeOptions,
} from './migrator-types';
export { checksumOf } from './revision/checksum';
export { HAND_FILL_MARKER, loadRevisionModule } from './revision/load-revision';
export {
  handFillLinesOf,
  isRevisionFileName,
  listRevisionFiles,
  MANIFEST_FILE,
  type Manifest,
  type ManifestEntry,
  readManifest,
  readRevisionFolder,
  writeManifest,
} from './revision/manifest';
export {
  LINEAGES,
  type Lineage,
  type RevisionHeader,
  type RevisionInfo,
  type RevisionModule,
} from './revision/revision';
export { type MigrationSource, readRevisionGraph } from './revision/revision-set';
export {
  installTypeScriptSupport,
  isTypeScriptFile,
  type TypeScriptSupport,
} from './revision/typescript-support';
export { sourceOf } from './revision/verified-source';
export type { Direction, RevisionOutcome } from './run/execute-revision';
export {
  recordingQueryRunner,
  recordStatements,
  SCRIPT_APPLIED_BY,
  scriptStatement,
} from './run/offline-sql';
export { inlineParameters, quoteIdent, quoteTable } from './sql/quote';
export { type DiffScope, diffSchema, type SchemaDiff } from './sql/schema-diff';
export { describeSql, describeStatement, loadSqlParser, type StatementFacts } from './sql/statement-facts';
export { entityTablePath, tablePath, withoutPublic } from './sql/table-path';
export {
  type AssessOptions,
  assertInStep,
  assertMigratable,
  assessSchema,
  type ChecksumMismatch,
  SCHEMA_STATES,
  type SchemaState,
  type SchemaStatus,
  schemaStatusError,
} from './status/schema-status';
