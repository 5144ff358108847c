/** @app/cli: the `dazzle` command, and `defineConfig` for an app's dazzle.config.ts. */
export { type DazzleConfig, defineConfig } from '@app/migrator';
export { buildProgram, run, VERSION } from './program';
export { CLI_ERROR_CODES } from './cli-error';
