/**
 * Which server shadow databases live on, and what to do when it refuses them. By default the
 * app's own server; `database.shadowUrl` names another (or the same server as a role with
 * CREATEDB) for apps whose database role may not create databases, as on many managed servers.
 */
import { MigratorError, maskUrl } from '@app/migrator';

/**
 * The server `revision`, `check` and `dazzle db shadow prune` make and drop shadows on.
 *
 * @example
 * shadowServerOf('postgres://app@db/app', 'postgres://dev@localhost/postgres'); // the second
 */
export function shadowServerOf(databaseUrl: string, shadowUrl: string | undefined): string {
  return shadowUrl ?? databaseUrl;
}

/** SHADOW_NEEDS_CREATEDB: the role may not create databases (PostgreSQL's 42501 on CREATE DATABASE). */
export function shadowNeedsCreatedb(serverUrl: string, cause: unknown): MigratorError {
  return new MigratorError(
    'SHADOW_NEEDS_CREATEDB',
    `The role of ${maskUrl(serverUrl)} may not create databases, and revision/check need a shadow database: set \`database.shadowUrl\` in dazzle.config.ts to a server whose role has CREATEDB, or ALTER ROLE … CREATEDB.`,
    { url: maskUrl(serverUrl) },
    cause,
  );
}
