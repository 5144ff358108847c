/** One running server on a fresh database, its captured JSON log, and a fetch wrapper; close() removes all of it. */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { type RunningServer, type StartServerOptions, startServer } from '../../src';
import { createServerApp } from './server-app';

export interface TestServer {
  db: TestDatabase;
  server: RunningServer;
  /** Every JSON line the request logger wrote. */
  logLines: string[];
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export async function startTestServer(
  name: string,
  app: Parameters<typeof createServerApp>[1] = {},
  options: Partial<StartServerOptions> = {},
): Promise<TestServer> {
  const db = await createTestDatabase(name);
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  let root: string | undefined;
  try {
    const config = await createServerApp(db.url, app);
    root = dirname(config.file);
    const started = await startServer({ config, databaseUrl: db.url, port: 0, logStream, ...options });
    // close() may be called by the test (to watch a shutdown) and again by the cleanup.
    let closing: Promise<void> | undefined;
    const server: RunningServer = { ...started, close: () => (closing ??= started.close()) };
    return {
      db,
      server,
      logLines,
      call: (path, init = {}) =>
        fetch(`${server.url}${path}`, {
          ...init,
          headers: {
            ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(init.headers as Record<string, string>),
          },
          body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
        }),
      count: async (table) =>
        (await queryDatabase<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM "${table}"`))[0]!.n,
      close: async () => {
        await server.close();
        await db.drop();
        rmSync(root!, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await db.drop();
    if (root) rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
