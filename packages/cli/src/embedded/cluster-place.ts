/**
 * Where an app's embedded cluster lives. Normally in the app, at `.dazzle/postgres`. When this
 * process is root and the `postgres` user cannot enter the app folder (an app under /root, a clone
 * in a 0700 folder), the cluster lives in /var/lib/dazzle/<app>-<hash of the app path>/ instead,
 * the system's place for state that persists, and `.dazzle/postgres` is a symlink to it, so every
 * later command, and anyone looking, finds the same cluster.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { canReach, isCluster, type ServerUser } from '@app/local-postgres';

export const EXTERNAL_CLUSTER_ROOT = '/var/lib/dazzle';

export function dazzleDir(appRoot: string): string {
  return join(appRoot, '.dazzle');
}

/** `.dazzle/postgres`: the cluster, or a symlink to it. */
export function embeddedDataDir(appRoot: string): string {
  return join(dazzleDir(appRoot), 'postgres');
}

/** The cluster folder outside the app for an app root: stable per path, readable by people. */
export function externalClusterDir(appRoot: string): string {
  const real = realpathSync(appRoot);
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 8);
  const name = basename(real).replace(/[^A-Za-z0-9._-]/g, '_') || 'app';
  return join(EXTERNAL_CLUSTER_ROOT, `${name}-${hash}`, 'postgres');
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * The real folder of the app's cluster, choosing (and recording) its place on first use.
 *
 * @example
 * clusterDir('/root/shop', serverUser(), console.error); // → /var/lib/dazzle/shop-1a2b3c4d/postgres
 */
export function clusterDir(
  appRoot: string,
  user: ServerUser | undefined,
  log: (line: string) => void,
): string {
  const dotDazzle = dazzleDir(appRoot);
  const link = embeddedDataDir(appRoot);
  mkdirSync(dotDazzle, { recursive: true });
  if (user) chmodSync(dotDazzle, 0o755);
  if (isSymlink(link)) return resolve(dotDazzle, readlinkSync(link));
  if (canReach(user, dotDazzle, 'x')) return link;
  // An empty folder left by a failed first run cannot hold a cluster the server user could reach.
  if (existsSync(link) && !isCluster(link) && readdirSync(link).length === 0)
    rmSync(link, { recursive: true });
  if (existsSync(link)) return link; // an existing cluster stays; starting it says what to do
  const external = externalClusterDir(appRoot);
  mkdirSync(join(external, '..'), { recursive: true, mode: 0o755 });
  chmodSync(EXTERNAL_CLUSTER_ROOT, 0o755);
  chmodSync(join(external, '..'), 0o755);
  symlinkSync(external, link);
  log(
    `The postgres user cannot enter ${appRoot}, so the app's embedded PostgreSQL lives in ${external} (.dazzle/postgres points there).`,
  );
  return external;
}
