export { type ChosenServer, chooseServer } from './choose-server.js';
export {
  type DatabaseCensus,
  leftBehindError,
  type ReclaimResult,
  reclaimDatabases,
  takeDatabaseCensus,
} from './database-census.js';
export {
  findPgBouncer,
  type PgBouncer,
  type PoolMode,
  pgBouncerUnavailableReason,
  startPgBouncer,
} from './pgbouncer.js';
export { findFreePort } from './providers/embedded.js';
export { maskPassword } from './providers/from-environment.js';
export type { PostgresServer, ProviderName } from './providers/postgres-server.js';
export { dockerEngineUnavailableReason, startContainerServer } from './providers/testcontainers.js';
export { makeTempDir, removeTempDirs } from './temp-folders.js';
export {
  adminUrl,
  createTestDatabase,
  queryDatabase,
  type TestDatabase,
  urlForDatabase,
} from './test-database.js';
export { type WaitForRowsOptions, waitForRows } from './wait-for-rows.js';
