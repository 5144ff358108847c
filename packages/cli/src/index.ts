/** @app/cli: the `dazzle` command, and `defineConfig` for an app's dazzle.config.ts. */
export { type DazzleConfig, defineConfig, type EntityLoader } from '@app/migrator/inspect';
export { CLI_ERROR_CODES } from './cli-error';
export { buildProgram, run, VERSION } from './program';
