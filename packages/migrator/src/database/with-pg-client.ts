/**
 * One plain `pg` connection for a piece of work, for the places that must not load TypeORM (the
 * ledger read of a cold start, catalog snapshots, statements about databases rather than in them).
 * A refused connection becomes the same typed DATABASE_* error every command gives.
 */
import type pg from 'pg';
import { connectionFailure } from './connection-errors';
import { pgDriver } from './pg-driver';

export interface PgClientOptions {
  /** Shown in pg_stat_activity, so an operator can tell what is connected. */
  applicationName?: string;
  connectionTimeoutMillis?: number;
}

export async function withPgClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
  options: PgClientOptions = {},
): Promise<T> {
  const client = new (pgDriver().Client)({
    connectionString: url,
    application_name: options.applicationName,
    connectionTimeoutMillis: options.connectionTimeoutMillis,
  });
  // A server that drops the connection later must not crash the process with an unhandled event.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionFailure(url, error);
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
