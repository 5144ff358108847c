/**
 * The app's `dazzle.config.ts`: entities, migrations folder, framework options, database and
 * server settings. Defaults live here and nowhere else.
 */
import type { EntityClass } from '@app/metadata-builder';
import type { RevisionFormat } from '../authoring/render-revision';

export type EmptyDatabaseStrategy = 'create-all' | 'replay';

export interface DazzleConfig {
  /** The app's entity classes. */
  entities?: EntityClass[];
  migrations?: {
    /** The app lineage's folder, relative to the config file. Default `migrations`. */
    dir?: string;
    /** Language of generated app revisions. Default `ts`. */
    format?: RevisionFormat;
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
  };
  /** The app's version, recorded in DeployHistory. Default: the app's package.json version. */
  version?: string;
}

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
