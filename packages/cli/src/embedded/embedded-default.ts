/**
 * The embedded default: with no database configured, an app gets a real PostgreSQL whose data
 * persists between runs in `.dazzle/postgres` (or where that symlink points, see cluster-place).
 * One server per app, shared by every dazzle command running at the time; each holds a lease, and
 * the last one out stops it (see leases), so nothing runs on once the last command has exited.
 */
import {
  adminUrlFor,
  LocalPostgresError,
  runningPostmaster,
  serverUser,
  startEmbeddedPostgres,
  stopPostmaster,
} from '@app/local-postgres';
import { MigratorError } from '@app/migrator/inspect';
import pg from 'pg';
import { clusterDir, embeddedDataDir } from './cluster-place';
import { addLease, liveLeases, removeLease, withServerLock } from './leases';

export const EMBEDDED_DATABASE = 'dazzle';

export interface EmbeddedDatabase {
  readonly url: string;
  /** The real cluster folder. */
  readonly dataDir: string;
  /** Gives up this process's lease; stops the server when no other live dazzle process holds one. */
  release(): Promise<void>;
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrlFor(port) });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      EMBEDDED_DATABASE,
    ]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${EMBEDDED_DATABASE}"`);
  } finally {
    await client.end();
  }
}

function failed(dataDir: string, error: unknown): MigratorError {
  const why = error instanceof Error ? error.message : String(error);
  const next =
    error instanceof LocalPostgresError && error.reason !== 'START_FAILED' && error.reason !== 'INIT_FAILED'
      ? ''
      : ` Set DATABASE_URL to use another server, or delete ${dataDir} to start afresh (its data is lost).`;
  return new MigratorError(
    'EMBEDDED_POSTGRES_FAILED',
    `The embedded PostgreSQL in ${dataDir} did not start: ${why}${next}`,
    { dataDir },
    error,
  );
}

/**
 * Starts, joins or adopts the app's embedded PostgreSQL and returns a URL to its `dazzle` database.
 *
 * @example
 * const embedded = await startEmbeddedDatabase(process.cwd(), (line) => console.error(line));
 * // … use embedded.url …
 * await embedded.release(); // stops the server when no other dazzle command uses it
 */
export async function startEmbeddedDatabase(
  appRoot: string,
  log: (line: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  let dataDir = embeddedDataDir(appRoot);
  const port = await withServerLock(appRoot, async () => {
    try {
      dataDir = clusterDir(appRoot, serverUser(), log);
      const others = liveLeases(appRoot).filter((pid) => pid !== process.pid);
      const running = runningPostmaster(dataDir);
      addLease(appRoot);
      if (running) {
        if (others.length === 0)
          log(
            `Adopting the embedded PostgreSQL left running on 127.0.0.1:${running.port}; it stops when this command ends.`,
          );
        else
          log(
            `Using the embedded PostgreSQL already running on 127.0.0.1:${running.port} (data in ${dataDir}).`,
          );
        return running.port;
      }
      const started = await startEmbeddedPostgres({
        dataDir,
        serverFlags: ['-c', 'max_connections=200'],
        log,
      });
      log(`Started the embedded PostgreSQL on 127.0.0.1:${started.port} (data in ${dataDir}).`);
      return started.port;
    } catch (error) {
      removeLease(appRoot);
      throw error;
    }
  }).catch((error: unknown) => {
    throw error instanceof MigratorError ? error : failed(dataDir, error);
  });
  const release = () =>
    withServerLock(appRoot, async () => {
      removeLease(appRoot);
      if (liveLeases(appRoot).length === 0) await stopPostmaster(dataDir);
    });
  try {
    await ensureDatabase(port);
  } catch (error) {
    await release();
    throw failed(dataDir, error);
  }
  return { url: adminUrlFor(port, EMBEDDED_DATABASE), dataDir, release };
}
