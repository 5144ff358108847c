/**
 * @app/migrator: what `dazzle db upgrade` and `dazzle serve` need to apply revisions: the revision
 * graph, manifests and checksums, the ledger, upgrade and downgrade under the lock, create-all,
 * stamp, offline SQL and the schema status. Writing revisions lives in @app/autogenerate.
 */

// Re-exported so the CLI and server need only the migrator's public door for these.
export { DazzleError, isDazzleError } from '@app/entities-framework';
export { type BuiltMetadata, buildMetadata, type EntityClass } from '@app/metadata-builder';
export {
  CATALOG_KINDS,
  type CatalogColumn,
  type CatalogEnum,
  type CatalogKind,
  type CatalogSnapshot,
  type MultiStatementConnection,
  OBJECT_KINDS,
  type ObjectKind,
  type Queryable,
  readCatalog,
  readCatalogInOneTrip,
  snapshotCatalog,
} from './catalog/catalog-snapshot';
export { type CatalogDifference, compareCatalogs, formatDifference } from './catalog/compare-catalogs';
export { type LiveDrift, outermostRevisions } from './catalog/live-drift';
export {
  adviseIndexDeclarations,
  type UndeclaredIndex,
  undeclaredIndexes,
} from './catalog/undeclared-indexes';
export { type CompileErrorLocation, describeCompileError } from './config/compile-error';
export {
  CONFIG_DEFAULTS,
  type DazzleConfig,
  defineConfig,
  type EmptyDatabaseStrategy,
  type EntityLoader,
  type OnlineSetting,
  type ResolvedDazzleConfig,
  type RevisionFormat,
} from './config/config';
export {
  CONFIG_FILE_NAMES,
  findConfigFile,
  type LoadConfigOptions,
  type LoadedConfig,
  type LoadedSettings,
  loadConfig,
  loadEntities,
  loadSettings,
} from './config/load-config';
export { type OnlineOptOut, onlineOptOut } from './config/online-opt-out';
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
export { withPgClient } from './database/with-pg-client';
export { MIGRATOR_ERROR_CODES, MigratorError, type MigratorErrorCode } from './errors';
export { DEFAULT_FLEET_CONCURRENCY } from './fleet/fleet-defaults';
export {
  type FleetSource,
  type FleetTarget,
  readFleetTargets,
} from './fleet/fleet-targets';
export {
  type FleetOutcome,
  type FleetProgress,
  type FleetResult,
  type FleetVerb,
  type RunFleetOptions,
  runFleet,
} from './fleet/run-fleet';
export { multipleHeadsError, planDowngrade, planUpgrade, resolveRevision, singleHead } from './graph/plan';
export { RevisionGraph } from './graph/revision-graph';
export {
  APPLIED_BY,
  insertLedgerRowSql,
  type LedgerMethod,
  type LedgerRow,
  ledgerRowParameters,
} from './ledger/ledger';
export { readLedgerOverPg } from './ledger/read-ledger-pg';
export {
  CREATE_MIGRATION_LEASE_SQL,
  LEASE_NAME,
  LEASE_TTL_MS,
  LOCK_CLASS_ID,
  LOCK_OBJECT_ID,
  type LockHolder,
} from './lock/migration-lock';
export { sessionStateOf } from './lock/pooler-detection';
export { Migrator } from './migrator';
export type {
  CurrentState,
  HistoryEntry,
  MigratorEvent,
  MigratorOptions,
  RevisionStepEvent,
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
  entryPathOf,
  MANIFEST_DIR,
  readStoredEntriesLeniently,
  writeManifestEntry,
} from './revision/manifest-entries';
export {
  LINEAGES,
  type Lineage,
  type RevisionHeader,
  type RevisionInfo,
  type RevisionModule,
  type RevisionStep,
  type RevisionSteps,
} from './revision/revision';
export {
  type MigrationSource,
  readRevisionGraph,
  readRevisionGraphOrFolderError,
} from './revision/revision-set';
export {
  installTypeScriptSupport,
  isTypeScriptFile,
  type TypeScriptSupport,
} from './revision/typescript-support';
export { sourceOf } from './revision/verified-source';
export { headerDisagreements, loadVerifiedRevisions } from './revision/verify-revisions';
export { type BatchProgress, type BatchUpdateOptions, batchUpdate } from './run/batch-update';
export { type BatchUpdateSqlOptions, batchUpdateSql } from './run/batch-update-sql';
export { createAllDeclinedLine } from './run/create-all-eligibility';
export { DATA_GUARD_SQLSTATE } from './run/data-guard-stop';
export {
  type DowngradeLossOptions,
  type DroppedData,
  describeDroppedData,
  dropsOf,
  measureDowngradeLoss,
} from './run/downgrade-loss';
export type { Direction, RevisionOutcome } from './run/execute-revision';
export { findInvalidIndexes, type InvalidIndex } from './run/incomplete-revision';
export {
  LOCK_DISCIPLINE_DEFAULTS,
  type LockDiscipline,
  type LockRetry,
  lockDisciplineOf,
} from './run/lock-discipline';
export {
  recordingQueryRunner,
  recordStatements,
  SCRIPT_APPLIED_BY,
  scriptStatement,
} from './run/offline-sql';
export type { ResolveDecision, ResolveResult } from './run/resolve-revision';
export { appliedAfterStamp, planStamp, type StampPlan } from './run/stamp';
export { inlineParameters, quoteIdent, quoteLiteral, quoteTable } from './sql/quote';
export { MANAGED_EXTENSIONS, requiredExtensions } from './sql/required-extensions';
export { type DiffScope, diffSchema, type SchemaDiff } from './sql/schema-diff';
export { describeSql, describeStatement, loadSqlParser, type StatementFacts } from './sql/statement-facts';
export { entityTablePath, tablePath, withoutPublic } from './sql/table-path';
export { historyOf } from './status/history';
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
export { isNoopUpgrade } from './status/upgrade-noop';
