/**
 * Opens TypeORM DataSources on PostgreSQL and turns connection failures into one-line errors that
 * say which server (password masked) and what to check.
 */
import { type EntityClass, preparePostgresMetadata } from '@app/metadata-builder';
import { DataSource } from 'typeorm';
import { assertPostgresUrl, connectionFailure } from './connection-errors';

export interface OpenDataSourceOptions {
  entities?: readonly EntityClass[];
  applicationName?: string;
  poolSize?: number;
  /** Keep retrying a server that is not up yet, with backoff, for this long. Default 0: fail at once. */
  retryForMs?: number;
  /** Told before each wait while retrying, so a caller can show progress. */
  onRetry?: (retry: ConnectRetry) => void;
}

/** One wait while retrying a server that is not up yet. */
export interface ConnectRetry {
  /** `host:port`, no credentials. */
  readonly server: string;
  /** Why the last attempt failed, in words: `connection refused`, `the server is starting up`. */
  readonly reason: string;
  /** How long retrying goes on before giving up. */
  readonly remainingMs: number;
}

/**
 * The progress line for a retry, the same wherever it is printed.
 *
 * @example
 * describeConnectRetry({ server: '127.0.0.1:5432', reason: 'connection refused', remainingMs: 28_000 });
 * // 'Waiting for 127.0.0.1:5432 (connection refused), retrying for 28 s more…'
 */
export function describeConnectRetry(retry: ConnectRetry): string {
  return `Waiting for ${retry.server} (${retry.reason}), retrying for ${Math.max(1, Math.round(retry.remainingMs / 1000))} s more…`;
}

const TRANSIENT_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EAI_AGAIN: 'host name lookup failed',
  '57P03': 'the server is starting up',
};

function serverOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}`;
}

export { assertPostgresUrl, connectionFailure } from './connection-errors';
export { maskSecrets, maskUrl } from './mask-secrets';

/** The same server and credentials, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** How often a retry is announced: often enough to show life, not a line per attempt. */
const ANNOUNCE_EVERY_MS = 5_000;

export async function openDataSource(url: string, options: OpenDataSourceOptions = {}): Promise<DataSource> {
  assertPostgresUrl(url);
  const started = Date.now();
  const deadline = started + (options.retryForMs ?? 0);
  let delay = 100;
  let retried = false;
  let announcedAt = Number.NEGATIVE_INFINITY;
  for (;;) {
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      entities: [...(options.entities ?? [])],
      applicationName: options.applicationName ?? 'dazzle',
      poolSize: options.poolSize ?? 4,
      connectTimeoutMS: 10_000,
      logging: false,
      // Never let TypeORM run DDL of its own on connect: extensions are schema changes too.
      installExtensions: false,
      uuidExtension: 'pgcrypto',
    });
    try {
      await dataSource.initialize();
      preparePostgresMetadata(dataSource);
      return dataSource;
    } catch (error) {
      const code = (error as { code?: string }).code;
      const reason = code ? TRANSIENT_REASONS[code] : undefined;
      // Only a server that is not there (yet) is worth waiting for; a wrong password stays wrong.
      if (reason && Date.now() + delay < deadline) {
        const now = Date.now();
        if (now - announcedAt >= ANNOUNCE_EVERY_MS) {
          announcedAt = now;
          options.onRetry?.({ server: serverOf(url), reason, remainingMs: deadline - now });
        }
        retried = true;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 2_000);
        continue;
      }
      throw connectionFailure(url, error, retried ? Date.now() - started : 0);
    }
  }
}
