/** @app/cli: the `dazzle` command, and `defineConfig` for an app's dazzle.config.ts. */
// From the TypeORM-free door: a dazzle.config.ts imports this module, and `db current` must not pay for TypeORM.
export {
  type BatchProgress,
  type BatchUpdateOptions,
  type BatchUpdateSqlOptions,
  batchUpdate,
  batchUpdateSql,
  type DazzleConfig,
  defineConfig,
  type EntityLoader,
} from '@app/migrator/inspect';
export { CLI_ERROR_CODES } from './cli-error';
export { buildProgram, run, VERSION } from './program';
