/**
 * Creates a PostgreSQL cluster (initdb) owned by the server user. The superuser password reaches
 * initdb through a file that only the server user can read, in a private folder next to the data
 * folder (which the server user can reach, unlike a TMPDIR it may not), deleted right after. A
 * failed initdb leaves no half-made data folder behind.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { PostgresBinaries } from './binaries';
import { runTool, tail } from './child-process';
import { LocalPostgresError } from './errors';
import type { ServerUser } from './os-user';

export interface ClusterCredentials {
  readonly user: string;
  readonly password: string;
}

export function isCluster(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

function ownBy(path: string, user: ServerUser | undefined): void {
  if (user) chownSync(path, user.uid, user.gid);
}

/**
 * Runs initdb into `dataDir` (created, mode 0700, owned by the server user).
 *
 * @example
 * await initCluster(bins, '/tmp/pg/data', serverUser(), { user: 'postgres', password: 'postgres' });
 */
export async function initCluster(
  bins: PostgresBinaries,
  dataDir: string,
  serverUser: ServerUser | undefined,
  credentials: ClusterCredentials,
): Promise<void> {
  const wasEmpty = !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  ownBy(dataDir, serverUser);
  const secretDir = mkdtempSync(join(dirname(dataDir), '.initdb-'));
  const passwordFile = join(secretDir, 'password');
  try {
    ownBy(secretDir, serverUser);
    writeFileSync(passwordFile, `${credentials.password}\n`, { mode: 0o600, flag: 'wx' });
    ownBy(passwordFile, serverUser);
    const result = await runTool(
      bins.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${credentials.user}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-instructions',
      ],
      serverUser,
    );
    if (result.code !== 0) {
      const why = result.spawnError ? result.spawnError.message : tail(result.output);
      throw new LocalPostgresError(
        'INIT_FAILED',
        `initdb could not create the cluster in ${dataDir}: ${why}.`,
        {
          cause: result.spawnError,
        },
      );
    }
  } catch (error) {
    if (wasEmpty) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}
