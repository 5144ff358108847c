/**
 * The app's `dazzle.config.ts`: entities, migrations folder, framework options, database and
 * server settings. Defaults live here and nowhere else.
 */
import type { EntityClass } from '@app/metadata-builder';

/** Language of a generated revision file. */
export type RevisionFormat = 'ts' | 'js';

export type EmptyDatabaseStrategy = 'create-all' | 'replay';

/**
 * Loads the app's entity classes when a command needs them. Importing entity modules loads TypeORM
 * and runs every decorator; a config that lists its entities through a loader lets `current`,
 * `history`, `heads` and a no-op `upgrade` start without either.
 *
 * @example
 * entities: () => import('./src/entities').then((m) => [m.Invoice, m.Customer]),
 */
export type EntityLoader = () => EntityClass[] | Promise<EntityClass[]>;

/**
 * Whether `revision` rewrites DDL on existing tables online: true (default), false, or on every
 * table except the entity classes or tables named.
 *
 * @example
 * migrations: { online: { except: ['AuditEvent', 'audit_event'] } }
 */
export type OnlineSetting = boolean | { readonly except?: readonly string[] };

export interface DazzleConfig {
  /** The app's entity classes, or a function that loads them (see EntityLoader). */
  entities?: EntityClass[] | EntityLoader;
  migrations?: {
    /** The app lineage's folder, relative to the config file. Default `migrations`. */
    dir?: string;
    /** Language of generated app revisions. Default `ts`. */
    format?: RevisionFormat;
    /** PostgreSQL `lock_timeout` of each transactional revision, in ms. Default 5000; a revision header may override it. */
    lockTimeoutMs?: number;
    /** Retries of a revision that hit its lock_timeout, with a growing pause. Default 5. */
    lockRetries?: number;
    /** PostgreSQL `statement_timeout` of each transactional revision, in ms. Default: the server's. */
    statementTimeoutMs?: number;
    /**
     * Generate online DDL for tables that already exist (indexes CONCURRENTLY, constraints NOT VALID
     * then validated, SET NOT NULL through a CHECK). Default true; `false` for the whole app,
     * `{ except: ['AuditEvent', 'audit_event'] }` for some entities or tables; `revision --no-online`
     * for one revision.
     */
    online?: OnlineSetting;
  };
  framework?: {
    /** Include the framework's own entities and lineage. Default true. */
    enabled?: boolean;
    /** Override where framework revisions are read (framework contributors only). */
    migrationsDir?: string;
  };
  database?: {
    /** Used when neither --database-url nor DATABASE_URL is set. */
    url?: string;
    /**
     * A direct connection (no transaction pooler in between) the migration commands use instead of
     * the URL above: the escape hatch for revisions that need session state behind PgBouncer.
     */
    directUrl?: string;
    /**
     * A server (URL whose role has CREATEDB) where `revision` and `check` make their shadow
     * databases, for an app database whose role may not create databases. Default: the app's server.
     */
    shadowUrl?: string;
    /** How long to wait for another runner's migration lock. Default 60000. */
    lockTimeoutMs?: number;
    /** How long to retry a server that is not up yet. Default 30000 for serve, 0 otherwise. */
    connectRetryMs?: number;
  };
  /** What `serve` does on an empty database: create every table and stamp heads, or replay every revision. Default `replay`. */
  emptyDatabase?: EmptyDatabaseStrategy;
  server?: {
    host?: string;
    port?: number;
    /** Bearer token for admin routes; `DAZZLE_ADMIN_TOKEN` overrides it. Without one, admin routes answer 401. */
    adminToken?: string;
    /** On shutdown, keep serving this long with /readyz at 503 before closing the listener. Default 0. */
    drainDelayMs?: number;
    /** Request log level; `DAZZLE_LOG_LEVEL` overrides it. Default `info`. */
    logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
    /** When given, only these app entities get public CRUD routes. Default: every app entity. */
    publicEntities?: EntityClass[];
    /** App entities kept off the public CRUD API. */
    privateEntities?: EntityClass[];
    /**
     * Fastify plugins (a plugin, or `[plugin, options]`), registered on the root instance before
     * the generated routes, so their hooks guard those routes. Type them with `ServerPlugin` from `@app/server`.
     */
    plugins?: Array<
      ((...args: never[]) => unknown) | readonly [(...args: never[]) => unknown, Record<string, unknown>]
    >;
    /** Called with the Fastify instance and `{ dataSource }` after the plugins, before the generated routes; type it with `ConfigureServer` from `@app/server`. */
    configureServer?: (app: never, context: never) => unknown;
  };
  /** The app's version, recorded in DeployHistory. Default: the app's package.json version. */
  version?: string;
}

/** A config whose entities are loaded: what commands that build metadata read. */
export type ResolvedDazzleConfig = Omit<DazzleConfig, 'entities'> & { entities?: EntityClass[] };

/**
 * Identity function that gives a config file types.
 *
 * @example
 * // dazzle.config.ts
 * import { defineConfig } from '@app/cli';
 * export default defineConfig({ entities: [Invoice], migrations: { dir: 'migrations' } });
 */
export function defineConfig(config: DazzleConfig): DazzleConfig {
  return config;
}

export const CONFIG_DEFAULTS = Object.freeze({
  migrationsDir: 'migrations',
  format: 'ts' as RevisionFormat,
  lockTimeoutMs: 60_000,
  emptyDatabase: 'replay' as EmptyDatabaseStrategy,
  host: '127.0.0.1',
  port: 3000,
});
