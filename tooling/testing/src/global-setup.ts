/**
 * vitest globalSetup: starts (or finds) one PostgreSQL server for the whole run, tells every test
 * worker where it is, and stops it when the run ends.
 */
import type { TestProject } from 'vitest/node';
import { chooseServer } from './choose-server.js';

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
  return async () => {
    await server.stop();
  };
}
