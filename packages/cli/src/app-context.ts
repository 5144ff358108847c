/**
 * Everything a command needs about the app, set up once and released once: the loaded config,
 * the database (printed, password masked, before anything changes), a connected Migrator.
 */
import {
  type BuiltMetadata,
  buildMetadata,
  CONFIG_DEFAULTS,
  describeConnectRetry,
  type LoadedConfig,
  loadConfig,
  lockDisciplineOf,
  Migrator,
  type MigratorEvent,
  type ResolvedDatabase,
  resolveDatabase,
} from '@app/migrator';
import { releaseOnSignal } from './embedded-signals';
import type { Reporter } from './reporter';

export interface GlobalOptions {
  config?: string;
  databaseUrl?: string;
  /** Parsed and range-checked by commander (see parseMilliseconds). */
  lockTimeout?: number;
  json?: boolean;
  verbose?: boolean;
}

const SOURCE_LABEL: Record<ResolvedDatabase['source'], string> = {
  flag: 'from --database-url',
  environment: 'from DATABASE_URL',
  config: 'from the config file',
  embedded: 'embedded default',
};

export class AppContext {
  readonly config: LoadedConfig;
  readonly reporter: Reporter;
  readonly #options: GlobalOptions;
  #database: ResolvedDatabase | undefined;
  #migrator: Migrator | undefined;
  #stopSignalRelease: (() => void) | undefined;

  private constructor(config: LoadedConfig, reporter: Reporter, options: GlobalOptions) {
    this.config = config;
    this.reporter = reporter;
    this.#options = options;
  }

  static async load(options: GlobalOptions, reporter: Reporter): Promise<AppContext> {
    return new AppContext(await loadConfig({ configPath: options.config }), reporter, options);
  }

  metadata(): BuiltMetadata {
    return buildMetadata({
      entities: this.config.config.entities ?? [],
      framework: this.config.config.framework,
    });
  }

  lockTimeoutMs(): number {
    return (
      this.#options.lockTimeout ?? this.config.config.database?.lockTimeoutMs ?? CONFIG_DEFAULTS.lockTimeoutMs
    );
  }

  async database(): Promise<ResolvedDatabase> {
    if (!this.#database) {
      this.#database = await resolveDatabase({
        flagUrl: this.#options.databaseUrl,
        configUrl: this.config.config.database?.url,
        appRoot: this.config.root,
        log: (line) => this.reporter.note(this.reporter.style(line, 'dim')),
      });
      if (this.#database.source === 'embedded')
        this.#stopSignalRelease = releaseOnSignal(this.#database.release, (line) => this.reporter.note(line));
      this.reporter.note(
        this.reporter.style(
          `Database: ${this.#database.display} (${SOURCE_LABEL[this.#database.source]})`,
          'dim',
        ),
      );
    }
    return this.#database;
  }

  async migrator(): Promise<Migrator> {
    if (!this.#migrator) {
      const database = await this.database();
      this.#migrator = await Migrator.connect({
        databaseUrl: database.url,
        sources: this.config.sources,
        lockTimeoutMs: this.lockTimeoutMs(),
        revisionLocks: lockDisciplineOf(this.config.config.migrations),
        onEvent: (event) => this.#progress(event),
      });
    }
    return this.#migrator;
  }

  async release(): Promise<void> {
    await this.#migrator?.close();
    await this.#database?.release();
    this.#stopSignalRelease?.();
  }

  #progress(event: MigratorEvent): void {
    const r = this.reporter;
    switch (event.type) {
      case 'lock-wait': {
        const who = event.holder
          ? `${event.holder.applicationName} (pid ${event.holder.pid})`
          : 'another runner';
        r.note(r.style(`Waiting for the migration lock held by ${who}…`, 'yellow'));
        break;
      }
      case 'revision-start':
        r.note(
          `${event.direction === 'up' ? '→' : '←'} ${event.revision.lineage.padEnd(9)} ${event.revision.id}`,
        );
        break;
      case 'revision-done':
        r.note(r.style(`  done in ${Math.round(event.outcome.durationMs)} ms`, 'dim'));
        break;
      case 'connect-retry':
        r.note(r.style(describeConnectRetry(event.retry), 'yellow'));
        break;
      case 'lock-retry':
        r.note(
          r.style(
            `  ${event.retry.revision} waited longer than its lock_timeout (${event.retry.lockTimeoutMs} ms) and was rolled back; retry ${event.retry.attempt} of ${event.retry.of} in ${event.retry.delayMs} ms…`,
            'yellow',
          ),
        );
        break;
      case 'checksum-accepted':
        r.note(r.style(`Accepted the changed checksum of ${event.revision}.`, 'yellow'));
        break;
      default:
        break;
    }
  }
}

/** Runs a command body with a context, releasing connections and the embedded server after. */
export async function withApp<T>(
  options: GlobalOptions,
  reporter: Reporter,
  work: (app: AppContext) => Promise<T>,
): Promise<T> {
  const app = await AppContext.load(options, reporter);
  try {
    return await work(app);
  } finally {
    await app.release();
  }
}
