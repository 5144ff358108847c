/**
 * Picks the PostgreSQL server for a test run, in the documented order:
 * an explicit URL, then a container when Docker answers, then embedded binaries.
 */
import { startEmbeddedServer } from './providers/embedded.js';
import { serverFromEnvironment } from './providers/from-environment.js';
import type { PostgresServer } from './providers/postgres-server.js';
import { dockerEngineUnavailableReason, startContainerServer } from './providers/testcontainers.js';

export interface ChosenServer {
  server: PostgresServer;
  /** Why earlier providers were passed over, for the one line printed per run. */
  skipped: string[];
}

export async function chooseServer(env: NodeJS.ProcessEnv = process.env): Promise<ChosenServer> {
  const skipped: string[] = [];
  const fromEnv = serverFromEnvironment(env);
  if (fromEnv) return { server: fromEnv, skipped };
  skipped.push('no TEST_DATABASE_URL or DATABASE_URL');

  const dockerMissing = await dockerEngineUnavailableReason();
  if (!dockerMissing) return { server: await startContainerServer(), skipped };
  skipped.push(dockerMissing);

  return { server: await startEmbeddedServer(), skipped };
}
