/**
 * What a database URL must look like, and the one-line error for a server that cannot be reached.
 * Kept apart from the TypeORM DataSource opener so commands that read the ledger with a plain pg
 * client (`dazzle db current`) word their failures the same way without loading TypeORM.
 */
import { MigratorError } from '../errors';
import { maskSecrets, maskUrl } from './mask-secrets';

export function assertPostgresUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MigratorError(
      'DATABASE_URL_INVALID',
      `The database URL "${maskUrl(url)}" is not a URL: use postgres://user:password@host:5432/database.`,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new MigratorError(
      'DATABASE_URL_INVALID',
      `The database URL "${maskUrl(url)}" is not a PostgreSQL URL: it must start with postgres:// or postgresql://.`,
    );
  }
  // The pg driver decodes these parts strictly; a stray % would surface as "URI malformed".
  for (const [part, value] of [
    ['user name', parsed.username],
    ['password', parsed.password],
    ['database name', parsed.pathname],
  ] as const) {
    try {
      decodeURIComponent(value);
    } catch {
      throw new MigratorError(
        'DATABASE_URL_INVALID',
        `The database URL "${maskUrl(url)}" has a malformed % escape in its ${part}: write a literal % as %25 (and @ as %40, / as %2F, : as %3A).`,
        { part },
      );
    }
  }
}

export function connectionFailure(url: string, error: unknown, retriedMs = 0): MigratorError {
  const failure = error as { code?: string; message?: string };
  const where = maskUrl(url);
  const waited = retriedMs > 0 ? ` after retrying for ${Math.round(retriedMs / 1000)} s` : '';
  let advice = 'check the URL, that the server is running and that it accepts connections from here';
  if (failure.code === '28P01' || failure.code === '28000') advice = 'check the user name and password';
  if (failure.code === '3D000') advice = 'create the database first, or point the URL at an existing one';
  return new MigratorError(
    'DATABASE_UNREACHABLE',
    `Could not connect to ${where}${waited}: ${maskSecrets((failure.message ?? String(error)).split('\n')[0]!)}; ${advice}.`,
    { url: where, code: failure.code },
    error,
  );
}
