/** @app/cli: the `dazzle` command, and `defineConfig` for an app's dazzle.config.ts. */
export {
  type BatchProgress,
  type BatchUpdateOptions,
  batchUpdate,
  type DazzleConfig,
  defineConfig,
} from '@app/migrator';
export { CLI_ERROR_CODES } from './cli-error';
export { buildProgram, run, VERSION } from './program';
