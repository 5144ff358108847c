/**
 * Provider 2: a throwaway PostgreSQL container, used when a Docker engine answers.
 * The engine probe is testcontainers' own runtime detection, bounded in time so that a machine
 * without Docker falls through to the embedded provider quickly.
 */
import type { PostgresServer } from './postgres-server.js';

const PROBE_TIMEOUT_MS = 5_000;
export const CONTAINER_IMAGE = 'postgres:17-alpine';

/** Why no engine could be used, or undefined when one answers. */
export async function dockerEngineUnavailableReason(): Promise<string | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
        PROBE_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([getContainerRuntimeClient(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `no Docker engine answers (${message.split('\n')[0]})`;
  }
}

export async function startContainerServer(): Promise<PostgresServer> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(CONTAINER_IMAGE)
    .withCommand(['postgres', '-c', 'fsync=off', '-c', 'max_connections=300'])
    .start();
  return {
    provider: 'testcontainers',
    adminUrl: container.getConnectionUri(),
    description: `container ${CONTAINER_IMAGE} (${container.getId().slice(0, 12)})`,
    stop: async () => {
      await container.stop();
    },
  };
}
