/**
 * @app/migrator/inspect: where the database and the code are, without TypeORM. The config's
 * settings (its entity loader not called), the revision folders read and verified from disk, the
 * ledger read with a plain pg client, and the same pure answers the Migrator gives (assessSchema,
 * historyOf, isNoopUpgrade). `dazzle db current`, `history`, `heads` and a no-op `upgrade` start
 * through this door; loading `@app/migrator` itself loads TypeORM and the framework's entities.
 *
 * @example
 * const settings = await loadSettings();
 * const status = assessSchema(readRevisionGraphOrFolderError(settings.sources), (await readLedgerOverPg(url)) ?? []);
 */
export { DazzleError, isDazzleError } from '@app/entities-framework/base';
export { type CompileErrorLocation, describeCompileError } from './config/compile-error';
export {
  CONFIG_DEFAULTS,
  type DazzleConfig,
  defineConfig,
  type EntityLoader,
  type ResolvedDazzleConfig,
} from './config/config';
export {
  findConfigFile,
  type LoadConfigOptions,
  type LoadedConfig,
  type LoadedSettings,
  loadEntities,
  loadSettings,
} from './config/load-config';
export { assertPostgresUrl } from './database/connection-errors';
export { maskSecrets, maskUrl } from './database/mask-secrets';
export { MigratorError, type MigratorErrorCode } from './errors';
export { DEFAULT_FLEET_CONCURRENCY } from './fleet/fleet-defaults';
export type { RevisionGraph } from './graph/revision-graph';
export type { LedgerRow } from './ledger/ledger-rows';
export { readLedgerOverPg } from './ledger/read-ledger-pg';
export type { HistoryEntry } from './migrator-types';
export { LINEAGES, type Lineage } from './revision/revision';
export {
  type MigrationSource,
  readRevisionGraph,
  readRevisionGraphOrFolderError,
  readRevisionGraphOrFolderErrorInSlices,
} from './revision/revision-set';
export {
  installTypeScriptSupport,
  isTypeScriptFile,
  type TypeScriptSupport,
} from './revision/typescript-support';
export { type BatchProgress, type BatchUpdateOptions, batchUpdate } from './run/batch-update';
export { type BatchUpdateSqlOptions, batchUpdateSql } from './run/batch-update-sql';
export { historyOf } from './status/history';
export { assessSchema, type SchemaStatus } from './status/schema-status';
export { isNoopUpgrade } from './status/upgrade-noop';
