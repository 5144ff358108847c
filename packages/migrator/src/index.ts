/** @app/migrator: revisions, the ledger, upgrade and downgrade under a lock, generation, lint and check. */

// Re-exported so the CLI and server need only the migrator's public door for these.
export { DazzleError, isDazzleError } from '@app/entities-framework';
export { type BuiltMetadata, buildMetadata, type EntityClass } from '@app/metadata-builder';
export { writeMergeRevision } from './authoring/merge';
export { type RehashResult, rehashFolder } from './authoring/rehash';
export {
  type RenderedStatement,
  type RevisionContent,
  type RevisionFormat,
  renderRevision,
} from './authoring/render-revision';
export { newRevisionId, slugForMessage } from './authoring/revision-id';
export {
  assertWritableMigrationsDir,
  type WriteRevisionOptions,
  writeRevision,
} from './authoring/write-revision';
export {
  CATALOG_KINDS,
  type CatalogColumn,
  type CatalogEnum,
  type CatalogKind,
  type CatalogSnapshot,
  OBJECT_KINDS,
  type ObjectKind,
  type Queryable,
  readCatalog,
  snapshotCatalog,
} from './catalog/catalog-snapshot';
export { type CatalogDifference, compareCatalogs, formatDifference } from './catalog/compare-catalogs';
export { findLiveDrift, type LiveDrift, outermostRevisions } from './catalog/live-drift';
export {
  type UndeclaredIndex,
  undeclaredIndexes,
} from './catalog/undeclared-indexes';
export {
  CONFIG_DEFAULTS,
  type DazzleConfig,
  defineConfig,
  type EmptyDatabaseStrategy,
  type EntityLoader,
  type ResolvedDazzleConfig,
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
export { compileTypeScript, registerTypeScriptLoader } from './config/typescript-loader';
export {
  assertPostgresUrl,
  type ConnectRetry,
  describeConnectRetry,
  maskSecrets,
  maskUrl,
  type OpenDataSourceOptions,
  openDataSource,
} from './database/connect';
export {
  type DatabaseSource,
  type ResolveDatabaseOptions,
  type ResolvedDatabase,
  resolveDatabase,
} from './database/resolve-database';
export { embeddedDataDir } from './embedded/cluster-place';
export {
  EMBEDDED_DATABASE,
  type EmbeddedDatabase,
  startEmbeddedDatabase,
} from './embedded/embedded-default';
export { MIGRATOR_ERROR_CODES, MigratorError, type MigratorErrorCode } from './errors';
export {
  type FleetSource,
  type FleetTarget,
  readFleetTargets,
} from './fleet/fleet-targets';
export {
  DEFAULT_FLEET_CONCURRENCY,
  type FleetOutcome,
  type FleetProgress,
  type FleetResult,
  type FleetVerb,
  type RunFleetOptions,
  runFleet,
} from './fleet/run-fleet';
export { type CastSafety, type ColumnType, classifyCast } from './generate/cast-safety';
export { findSchemaDrift, type MissingStatement } from './generate/check-schema';
export {
  type GenerateRevisionOptions,
  type GenerateRevisionResult,
  generateRevision,
  type PlannedRevision,
} from './generate/generate-revision';
export { type PruneResult, pruneKeptShadows } from './generate/kept-shadow-prune';
export type { DriftItem, RenameCandidate } from './generate/post-process';
export type { RenameHint } from './generate/pre-steps';
export { previewRevisions, type RevisionPreview } from './generate/preview-revision';
export { dropShadowCaches, shadowCacheName } from './generate/shadow-cache';
export { replayRevisions, withShadowDatabase } from './generate/shadow-database';
export { shadowServerOf } from './generate/shadow-server';
export { multipleHeadsError, planDowngrade, planUpgrade, resolveRevision, singleHead } from './graph/plan';
export { RevisionGraph } from './graph/revision-graph';
export { APPLIED_BY, type LedgerMethod, type LedgerRow } from './ledger/ledger';
export { readLedgerOverPg } from './ledger/read-ledger-pg';
export {
  ACKNOWLEDGED_MARKER,
  formatFinding,
  type LintFinding,
  lintRevision,
  lintStatements,
} from './lint/lint-revision';
export { LINT_RULES, type LintRule, type Severity } from './lint/lint-rules';
export {
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
  RunResult,
  UpgradeOptions,
} from './migrator-types';
export { checksumOf } from './revision/checksum';
export { HAND_FILL_MARKER } from './revision/load-revision';
export {
  MANIFEST_FILE,
  type Manifest,
  type ManifestEntry,
  readManifest,
  writeManifest,
} from './revision/manifest';
export { entryPathOf, MANIFEST_DIR, writeManifestEntry } from './revision/manifest-entries';
export {
  LINEAGES,
  type Lineage,
  type RevisionHeader,
  type RevisionInfo,
  type RevisionModule,
} from './revision/revision';
export {
  type MigrationSource,
  readRevisionGraph,
  readRevisionGraphOrFolderError,
} from './revision/revision-set';
export { headerDisagreements, loadVerifiedRevisions } from './revision/verify-revisions';
export { type BatchProgress, type BatchUpdateOptions, batchUpdate } from './run/batch-update';
export { createAllDeclinedLine } from './run/create-all-eligibility';
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
export { SCRIPT_APPLIED_BY } from './run/offline-sql';
export type { ResolveDecision, ResolveResult } from './run/resolve-revision';
export { appliedAfterStamp, planStamp, type StampPlan } from './run/stamp';
export { describeSql, describeStatement, loadSqlParser, type StatementFacts } from './sql/statement-facts';
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
