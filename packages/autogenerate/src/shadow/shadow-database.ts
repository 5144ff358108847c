/**
 * Shadow databases: scratch databases on the same server where the committed revisions are
 * replayed, so generation and `check` never depend on the state of someone's local database. The
 * throwaway kind here (for `--against database`, `--fresh-shadow` and work that cannot run in a
 * transaction) is dropped afterwards, also on failure; the kept kind is in kept-shadow.ts.
 */
import { randomBytes } from 'node:crypto';
import {
  databaseUrl,
  type MigrationSource,
  Migrator,
  MigratorError,
  maskUrl,
  quoteIdent,
  type RevisionGraph,
  withPgClient,
} from '@app/migrator';
import pg from 'pg';
import { shadowNeedsCreatedb } from './shadow-server';

/** Runs `work` on one plain connection to `serverUrl` (for statements about databases, not in them). */
export function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withPgClient(serverUrl, work);
}

/** CREATE DATABASE, with the two failures a user can act on told apart. */
export async function createDatabase(
  client: pg.Client,
  serverUrl: string,
  name: string,
  template = 'template0',
): Promise<void> {
  try {
    await client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
  } catch (error) {
    if ((error as { code?: string }).code === '55006') {
      throw new MigratorError(
        'SHADOW_CLONE_FAILED',
        `Could not copy database "${template}" to diff against it: other sessions are connected to it (a running \`dazzle serve\`?). Stop them, or diff against a shadow replay (the default, without --against database).`,
        { database: template },
        error,
      );
    }
    if ((error as { code?: string }).code === '42P04') {
      throw new MigratorError(
        'SHADOW_BUSY',
        `The shadow database "${name}" is being created by another process on ${maskUrl(serverUrl)}: run the command again in a moment.`,
        { database: name },
        error,
      );
    }
    if ((error as { code?: string }).code === '42501') throw shadowNeedsCreatedb(serverUrl, error);
    throw new MigratorError(
      'DATABASE_UNREACHABLE',
      `Could not create the shadow database on ${maskUrl(serverUrl)}: ${(error as Error).message}. The user needs the CREATEDB privilege (ALTER ROLE … CREATEDB), or point --database-url at a development server.`,
      { url: maskUrl(serverUrl) },
      error,
    );
  }
}

/**
 * Creates a shadow database next to `serverUrl`'s database, runs `work` with its URL, drops it.
 *
 * @example
 * await withShadowDatabase(url, async (shadowUrl) => { … });
 */
export async function withShadowDatabase<T>(
  serverUrl: string,
  work: (shadowUrl: string) => Promise<T>,
  options: { cloneOf?: string } = {},
): Promise<T> {
  const name = `dazzle_shadow_${randomBytes(6).toString('hex')}`;
  // Copying a database needs a connection to another one: PostgreSQL refuses while any session
  // (ours included) is connected to the source.
  const adminUrl = options.cloneOf ? databaseUrl(serverUrl, 'postgres') : serverUrl;
  await onServer(adminUrl, (c) => createDatabase(c, serverUrl, name, options.cloneOf));
  try {
    return await work(databaseUrl(serverUrl, name));
  } finally {
    await onServer(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
}

/** Replays every committed revision of every source into the (empty) shadow database. */
export async function replayRevisions(
  shadowUrl: string,
  sources: readonly MigrationSource[],
  graph?: RevisionGraph,
): Promise<number> {
  const migrator = await Migrator.connect({ databaseUrl: shadowUrl, sources, graph });
  try {
    return (await migrator.upgrade()).revisions.length;
  } finally {
    await migrator.close();
  }
}
