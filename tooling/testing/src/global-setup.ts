/**
 * vitest globalSetup: starts (or finds) one PostgreSQL server for the whole run, tells every test
 * worker where it is, and stops it when the run ends. Before stopping, it drops every database
 * the run made and fails the run if a suite left one behind (see database-census.ts), unless a
 * wrapper that shares the server between several runs holds that census itself
 * (DAZZLE_TEST_CENSUS=outer, set by tooling/run-tests.mjs).
 */
import type { TestProject } from 'vitest/node';
import { chooseServer } from './choose-server.js';
import { leftBehindError, reclaimDatabases, takeDatabaseCensus } from './database-census.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dazzlePostgresAdminUrl: string;
    dazzlePostgresProvider: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { server, skipped } = await chooseServer();
  const reasons = skipped.length > 0 ? ` (passed over: ${skipped.join('; ')})` : '';
  console.log(`[dazzle/testing] PostgreSQL provider: ${server.provider}: ${server.description}${reasons}`);
  project.provide('dazzlePostgresAdminUrl', server.adminUrl);
  project.provide('dazzlePostgresProvider', server.provider);
  const census =
    process.env.DAZZLE_TEST_CENSUS === 'outer' ? undefined : await takeDatabaseCensus(server.adminUrl);
  return async () => {
    try {
      if (!census) return;
      const result = await reclaimDatabases(census);
      console.log(
        `[dazzle/testing] databases: ${result.countBefore} before the run, ${result.countAfter} after; ${result.keptShadows.length} kept shadow(s) dropped`,
      );
      const error = leftBehindError(result);
      // vitest reports an error thrown here but still exits 0: the exit code is what fails the run.
      if (error) {
        console.error(`[dazzle/testing] ${error.message}`);
        process.exitCode = 1;
      }
    } finally {
      await server.stop();
    }
  };
}
