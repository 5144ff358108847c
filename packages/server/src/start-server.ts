/**
 * Server startup, in the order production needs: connect (retrying a database that is not up
 * yet), migrate to heads under the lock (or verify, with migrate: false), and only then listen.
 * Any refusal (failed revision, two heads, changed checksum, database ahead) happens before the
 * port opens, so a broken deploy never receives traffic.
 */
import { createVirtualStores, type VirtualStores } from '@app/entities-framework';
import { buildMetadata } from '@app/metadata-builder';
import {
  CONFIG_DEFAULTS,
  createAllDeclinedLine,
  type LoadedConfig,
  maskUrl,
  openDataSource,
  type RunResult,
} from '@app/migrator';
import { buildApp } from './http/build-app';
import { publicEntities } from './http/public-api';
import { Readiness } from './http/readiness';
import { LOG_LEVELS, type LogLevel } from './http/request-logging';
import type { ServerExtensions } from './http/server-extensions';
import { ServerError } from './server-errors';
import { migrateOnStart } from './startup/migrate-on-start';
import { listenFailure, probePort } from './startup/probe-port';

export interface StartServerOptions {
  config: LoadedConfig;
  databaseUrl: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Migrate to heads before listening (default). False: verify the database is at heads, refuse otherwise. */
  migrate?: boolean;
  lockTimeoutMs?: number;
  /** Retry a database that is not up yet, with backoff, this long. Default: config, then 30 s. */
  connectRetryMs?: number;
  /** Bearer token for admin routes. Default: DAZZLE_ADMIN_TOKEN, then the config. */
  adminToken?: string;
  /** Request log level. Default: DAZZLE_LOG_LEVEL, then `server.logLevel`, then `info`. */
  logLevel?: LogLevel;
  /**
   * On close, how long to keep serving (readyz answering 503, every response with Connection:
   * close) before the listener closes, so load balancers stop sending first. Default:
   * `server.drainDelayMs`, then 0.
   */
  drainDelayMs?: number;
  /** Where the JSON request log goes. Default: process.stderr. */
  logStream?: NodeJS.WritableStream;
  log?: (line: string) => void;
}

/** The log level from the options, the environment or the config; a level pino does not know is refused. */
function resolveLogLevel(options: StartServerOptions): LogLevel {
  const level =
    options.logLevel ?? process.env.DAZZLE_LOG_LEVEL ?? options.config.config.server?.logLevel ?? 'info';
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new ServerError(
    'SERVER_START_FAILED',
    `Log level ${JSON.stringify(level)} (DAZZLE_LOG_LEVEL or server.logLevel) is not one of ${LOG_LEVELS.join(', ')}: set one of them.`,
  );
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly stores: VirtualStores;
  /** What the startup migration did; undefined with migrate: false. */
  readonly migration: RunResult | undefined;
  /** Stops accepting, finishes in-flight requests, closes the pools. */
  close(): Promise<void>;
}

/**
 * Starts an app's HTTP server.
 *
 * @example
 * const server = await startServer({ config: await loadConfig(), databaseUrl: process.env.DATABASE_URL! });
 * process.once('SIGTERM', () => server.close());
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const stores = createVirtualStores();
  const log = (line: string) => {
    stores.logs.append('info', line);
    options.log?.(line);
  };
  const config = options.config.config;
  const logLevel = resolveLogLevel(options);
  const metadata = buildMetadata({ entities: config.entities ?? [], framework: config.framework });
  const host = options.host ?? config.server?.host ?? CONFIG_DEFAULTS.host;
  const listenPort = options.port ?? config.server?.port ?? CONFIG_DEFAULTS.port;
  // Before the schema step: a port we cannot take must not leave a migrated database and a
  // "completed" deploy behind a server that never started.
  await probePort(host, listenPort);
  log(`Starting against ${maskUrl(options.databaseUrl)}`);
  const { migrator, result } = await migrateOnStart({
    config: options.config,
    metadata,
    databaseUrl: options.databaseUrl,
    migrate: options.migrate !== false,
    lockTimeoutMs: options.lockTimeoutMs ?? config.database?.lockTimeoutMs ?? CONFIG_DEFAULTS.lockTimeoutMs,
    connectRetryMs: options.connectRetryMs ?? config.database?.connectRetryMs ?? 30_000,
    runs: stores['process-runs'],
    log,
  });
  if (result?.createAllDeclined) log(createAllDeclinedLine(result.createAllDeclined));
  if (result)
    log(
      result.noop
        ? 'Schema already at heads.'
        : `Applied ${result.revisions.length} revision(s) (${result.method}).`,
    );

  let dataSource: Awaited<ReturnType<typeof openDataSource>> | undefined;
  try {
    dataSource = await openDataSource(options.databaseUrl, {
      entities: metadata.entities,
      applicationName: 'dazzle-server',
      poolSize: 10,
    });
    const db = dataSource;
    stores.health.register('database', async () => {
      await db.query('SELECT 1');
      return { status: 'healthy' };
    });
    stores.health.register('migrations', async () => {
      const status = await migrator.status();
      return status.state === 'in-step'
        ? { status: 'healthy', message: 'at heads' }
        : { status: 'degraded', message: `${status.code}: ${status.message}` };
    });
    const readiness = new Readiness(() => db.query('SELECT 1'));
    const app = await buildApp(
      {
        dataSource,
        metadata,
        migrator,
        stores,
        adminToken: options.adminToken ?? process.env.DAZZLE_ADMIN_TOKEN ?? config.server?.adminToken,
        readiness,
        publicEntities: publicEntities(dataSource, config.server ?? {}),
      },
      {
        version: options.config.version,
        logging: { level: logLevel, stream: options.logStream },
        extensions: (config.server ?? {}) as ServerExtensions,
      },
    );
    const address = await app.listen({ host, port: listenPort }).catch((error: unknown) => {
      throw listenFailure(host, listenPort, error);
    });
    readiness.markReady();
    const port =
      app.server.address() && typeof app.server.address() === 'object'
        ? (app.server.address() as { port: number }).port
        : 0;
    log(`Listening on ${address}`);
    return {
      url: address,
      port,
      stores,
      migration: result,
      close: async () => {
        readiness.markDraining();
        const delay = options.drainDelayMs ?? config.server?.drainDelayMs ?? 0;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        await app.close();
        await db.destroy();
        await migrator.close();
      },
    };
  } catch (error) {
    await dataSource?.destroy();
    await migrator.close();
    throw error;
  }
}
