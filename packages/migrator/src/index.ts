/** @app/migrator: revisions, the ledger, upgrade and downgrade under a lock, generation, lint and check. */
export { assertPostgresUrl, maskUrl, openDataSource, type OpenDataSourceOptions } from './database/connect';
export { MigratorError, type MigratorErrorCode } from './errors';
export { planDowngrade, planUpgrade, resolveRevision, singleHead } from './graph/plan';
export { RevisionGraph } from './graph/revision-graph';
export { APPLIED_BY, type LedgerMethod, type LedgerRow } from './ledger/ledger';
export { LOCK_CLASS_ID, LOCK_OBJECT_ID, type LockHolder } from './lock/migration-lock';
export {
  type CurrentState,
  type HistoryEntry,
  Migrator,
  type MigratorEvent,
  type MigratorOptions,
  type RunResult,
  type UpgradeOptions,
} from './migrator';
export { checksumOf } from './revision/checksum';
export { HAND_FILL_MARKER } from './revision/load-revision';
export { MANIFEST_FILE, type Manifest, type ManifestEntry, readManifest, writeManifest } from './revision/manifest';
export { LINEAGES, type Lineage, type RevisionHeader, type RevisionInfo, type RevisionModule } from './revision/revision';
export { type MigrationSource, readRevisionGraph } from './revision/revision-set';
export type { Direction, RevisionOutcome } from './run/execute-revision';
export { writeMergeRevision } from './authoring/merge';
export { type RehashResult, rehashFolder } from './authoring/rehash';
export { type RenderedStatement, type RevisionContent, type RevisionFormat, renderRevision } from './authoring/render-revision';
export { newRevisionId, slugForMessage } from './authoring/revision-id';
export { assertWritableMigrationsDir, type WriteRevisionOptions, writeRevision } from './authoring/write-revision';
