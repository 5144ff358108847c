/**
 * Everything a command needs about the app, set up once and released once: the config's settings,
 * the database (printed, password masked, before anything changes), and on demand the entities and
 * a connected Migrator. Reading where the database stands (status, history, the no-op upgrade
 * check) uses a plain pg client and the revision folders, so those commands never load TypeORM or
 * call the config's entity loader.
 */

import type { BuiltMetadata, Migrator, MigratorEvent } from '@app/migrator';
import {
  assessSchema,
  CONFIG_DEFAULTS,
  type HistoryEntry,
  historyOf,
  isNoopUpgrade,
  type LedgerRow,
  type LoadedConfig,
  type LoadedSettings,
  loadEntities,
  MigratorError,
  maskUrl,
  type RevisionGraph,
  readLedgerOverPg,
  readRevisionGraphOrFolderErrorInSlices,
  type SchemaStatus,
} from '@app/migrator/inspect';
import { loadAppSettings } from './app-config';
import { type ResolvedDatabase, resolveDatabase } from './embedded/resolve-database';
import { releaseOnSignal } from './embedded-signals';
import { migratorApi } from './migrator-api';
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
  /** The config's settings; its entity loader, if any, is called only by loadedConfig(). */
  readonly config: LoadedSettings;
  readonly reporter: Reporter;
  readonly #options: GlobalOptions;
  #database: ResolvedDatabase | undefined;
  #migrator: Migrator | undefined;
  #stopSignalRelease: (() => void) | undefined;
  #loaded: Promise<LoadedConfig> | undefined;

  private constructor(config: LoadedSettings, reporter: Reporter, options: GlobalOptions) {
    this.config = config;
    this.reporter = reporter;
    this.#options = options;
  }

  static async load(options: GlobalOptions, reporter: Reporter): Promise<AppContext> {
    return new AppContext(await loadAppSettings(options.config), reporter, options);
  }

  /** The config with its entity classes loaded (the loader is called once). */
  loadedConfig(): Promise<LoadedConfig> {
    this.#loaded ??= loadEntities(this.config);
    return this.#loaded;
  }

  async metadata(): Promise<BuiltMetadata> {
    const { config, file } = await this.loadedConfig();
    const metadata = migratorApi().buildMetadata({
      entities: config.entities ?? [],
      framework: config.framework,
    });
    // The names in migrations.online.except are checked as soon as the entities they name are known.
    migratorApi().onlineOptOut(config.migrations?.online, metadata.owners, file);
    return metadata;
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
      this.#migrator = await migratorApi().Migrator.connect({
        databaseUrl: this.#migrationUrl(database),
        sources: this.config.sources,
        lockTimeoutMs: this.lockTimeoutMs(),
        revisionLocks: migratorApi().lockDisciplineOf(this.config.config.migrations),
        onEvent: (event) => this.#progress(event),
      });
    }
    return this.#migrator;
  }

  /**
   * Whether the database is in step with the code: the answer `Migrator.status()` gives (the same
   * graph, the same ledger rows, the same assessSchema), read without TypeORM.
   */
  async status(): Promise<SchemaStatus> {
    const { graph, ledger } = await this.#graphBesideLedger();
    return assessSchema(graph, (await ledger) ?? []);
  }

  /** Every revision in apply order with its ledger row: `Migrator.history()` without TypeORM. */
  async history(): Promise<HistoryEntry[]> {
    const { graph, ledger } = await this.#graphBesideLedger();
    const rows = (await ledger) ?? [];
    if (graph instanceof MigratorError) throw graph;
    return historyOf(graph, rows);
  }

  /**
   * True when `upgrade` to the target would do nothing, decided as `Migrator.upgrade` decides it;
   * false (let the Migrator run) when the folders disagree with their manifests.
   */
  async isNoopUpgrade(target: string): Promise<boolean> {
    const { graph, ledger } = await this.#graphBesideLedger();
    if (graph instanceof MigratorError) {
      // The Migrator reads the ledger again and reports the folders; this read's outcome is unused.
      await ledger.catch(() => undefined);
      return false;
    }
    return isNoopUpgrade(graph, await ledger, target);
  }

  /**
   * The revision folders and the ledger, read side by side: the ledger read connects and queries
   * while the folders are read and verified in slices, instead of after them. The answers are the
   * ones reading them one after the other gives, and an error reading the folders still wins over
   * one from the database (the ledger read is then let finish, unused).
   */
  async #graphBesideLedger(): Promise<{
    graph: RevisionGraph | MigratorError;
    ledger: Promise<LedgerRow[] | undefined>;
  }> {
    const ledger = this.#ledger();
    // Awaited by the caller (or below); never left as an unhandled rejection meanwhile.
    ledger.catch(() => undefined);
    try {
      return { graph: await readRevisionGraphOrFolderErrorInSlices(this.config.sources), ledger };
    } catch (error) {
      await ledger.catch(() => undefined);
      throw error;
    }
  }

  async #ledger(): Promise<LedgerRow[] | undefined> {
    return readLedgerOverPg((await this.database()).url);
  }

  /**
   * Where migrations connect: `database.directUrl` when the config names one (the way past a
   * transaction pooler), unless --database-url names a database explicitly.
   */
  #migrationUrl(database: ResolvedDatabase): string {
    const directUrl = this.config.config.database?.directUrl;
    if (!directUrl || database.source === 'flag') return database.url;
    migratorApi().assertPostgresUrl(directUrl);
    this.reporter.note(
      this.reporter.style(`Migrating through database.directUrl: ${maskUrl(directUrl)}`, 'dim'),
    );
    return directUrl;
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
        r.note(r.style(migratorApi().describeConnectRetry(event.retry), 'yellow'));
        break;
      case 'lock-retry':
        r.note(
          r.style(
            `  ${event.retry.revision} waited longer than its lock_timeout (${event.retry.lockTimeoutMs} ms) and was rolled back; retry ${event.retry.attempt} of ${event.retry.of} in ${event.retry.delayMs} ms…`,
            'yellow',
          ),
        );
        break;
      case 'revision-step': {
        const { step, of, transaction, resumed } = event.step;
        const where = transaction ? 'in one transaction' : 'outside a transaction';
        r.note(
          resumed
            ? r.style(
                `  resuming at step ${step} of ${of} (${where}): an earlier run finished the steps before it`,
                'yellow',
              )
            : r.style(`  step ${step} of ${of} (${where})`, 'dim'),
        );
        break;
      }
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
