/**
 * @app/local-postgres: a real PostgreSQL on this machine from npm-shipped binaries, started the
 * same way for the CLI's embedded default and for test servers.
 */
export { platformNativeDir, restoreLibraryLinks } from './binaries';
export { BINARY_CACHE_ROOT } from './binary-cache';
export type { ClusterCredentials } from './cluster';
export { isCluster } from './cluster';
export { LocalPostgresError, type LocalPostgresErrorReason } from './errors';
export { canReach, SERVER_USER_NAME, type ServerUser, serverUser } from './os-user';
export { isAlive, type PostmasterInfo, runningPostmaster, stopPostmaster } from './postmaster';
export {
  adminUrlFor,
  DEFAULT_CREDENTIALS,
  type EmbeddedPostgres,
  findFreePort,
  type StartEmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from './start';
