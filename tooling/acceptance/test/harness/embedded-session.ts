/**
 * A suite on the embedded default reads the app's database between commands. It holds a lease in
 * `.dazzle/leases/` as every dazzle command does, so the server the first command starts stays up
 * for the whole suite (one start instead of one per command) and the test queries it on its port.
 * Giving the lease back makes the next command the last one out, and that command stops the server,
 * as it does for a person; `stop` is the fallback for a suite that failed before that step.
 */
import { closeSync, lstatSync, mkdirSync, openSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { queryDatabase } from '@app/testing';
import { embeddedUrl, isAlive, runningPostmaster, waitFor } from './embedded';

export interface EmbeddedSession {
  /** Runs SQL on the app's `dazzle` database (the server must be running). */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<Row[]>;
  /** Runs SQL on the server's `postgres` database: kept shadows, dropping `dazzle` to start afresh. */
  queryServer<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string): Promise<Row[]>;
  /** The URL of the app's `dazzle` database. */
  url(): string;
  /** Gives the lease back: the next dazzle command is the last one out and stops the server. */
  release(): void;
  /** Gives the lease back and stops a server still running (fast shutdown), then removes the app. */
  stop(): Promise<void>;
}

function leaseFile(app: string): string {
  return join(app, '.dazzle', 'leases', String(process.pid));
}

function port(app: string): number {
  const running = runningPostmaster(app);
  if (!running) throw new Error(`no embedded PostgreSQL is running for ${app}`);
  return running.port;
}

/** Takes a lease on the app's embedded server before its first command starts it. */
export function holdEmbeddedServer(app: string): EmbeddedSession {
  mkdirSync(join(app, '.dazzle', 'leases'), { recursive: true });
  closeSync(openSync(leaseFile(app), 'w'));
  const release = () => rmSync(leaseFile(app), { force: true });
  return {
    query: (sql, params = []) => queryDatabase(embeddedUrl(port(app)), sql, params),
    queryServer: (sql) => queryDatabase(embeddedUrl(port(app)).replace(/\/dazzle$/, '/postgres'), sql),
    url: () => embeddedUrl(port(app)),
    release,
    stop: async () => {
      release();
      const running = runningPostmaster(app);
      if (running) {
        process.kill(running.pid, 'SIGINT');
        await waitFor(() => !isAlive(running.pid), 60_000);
      }
      // As root in a folder the postgres user cannot enter, the cluster lives outside the app.
      const cluster = join(app, '.dazzle', 'postgres');
      if (lstatSync(cluster, { throwIfNoEntry: false })?.isSymbolicLink())
        rmSync(dirname(realpathSync(cluster)), { recursive: true, force: true });
      rmSync(app, { recursive: true, force: true });
    },
  };
}
