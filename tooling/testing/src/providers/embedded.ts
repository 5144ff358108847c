/**
 * Provider 3: a PostgreSQL started by @app/local-postgres, the same starter the CLI's embedded
 * default uses, one server per test run, on a free port with its data in a temporary folder that
 * is deleted when the run ends, also when the run fails or is interrupted. It works as root from a
 * clone in a folder the `postgres` user cannot enter: the starter copies the binaries where that
 * user can reach them, and the data folder is under the system temp folder.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@app/local-postgres';
import type { PostgresServer } from './postgres-server.js';

export { findFreePort } from '@app/local-postgres';

/** Settings that trade durability for speed: a test server's data is thrown away anyway. */
const TEST_SERVER_FLAGS = [
  '-c',
  'fsync=off',
  '-c',
  'synchronous_commit=off',
  '-c',
  'full_page_writes=off',
  '-c',
  'max_connections=300',
];

export async function startEmbeddedServer(): Promise<PostgresServer> {
  const dataRoot = mkdtempSync(join(tmpdir(), 'dazzle-test-pg-'));
  // Run as root, PostgreSQL runs as a `postgres` user that must be able to reach its data folder.
  chmodSync(dataRoot, 0o755);
  const dataDir = join(dataRoot, 'data');
  const removeRoot = () => rmSync(dataRoot, { recursive: true, force: true });
  process.once('exit', removeRoot);
  try {
    const server = await startEmbeddedPostgres({ dataDir, ephemeral: true, serverFlags: TEST_SERVER_FLAGS });
    return {
      provider: 'embedded',
      adminUrl: server.adminUrl,
      description: `embedded PostgreSQL on 127.0.0.1:${server.port}, data in ${dataDir}`,
      stop: async () => {
        try {
          await server.stop();
        } finally {
          removeRoot();
          process.removeListener('exit', removeRoot);
        }
      },
    };
  } catch (error) {
    removeRoot();
    process.removeListener('exit', removeRoot);
    throw new Error(
      `embedded PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
