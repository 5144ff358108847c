/**
 * The Migrator: every schema change of an app goes through here. It reads both lineages'
 * revisions, compares them with the ledger, and applies or reverts them one by one under the
 * migration lock. Each operation returns what it did, so the CLI, the server and tests render the
 * same truth.
 */
import type { EntityClass } from '@app/metadata-builder';
import type { DataSource, QueryRunner } from 'typeorm';
import { openDataSource } from './database/connect';
import { MigratorError } from './errors';
import { planDowngrade, planUpgrade, resolveRevision } from './graph/plan';
import type { RevisionGraph } from './graph/revision-graph';
import {
  APPLIED_BY,
  bootstrapInfrastructure,
  readAppliedChecksums,
  updateLedgerChecksum,
} from './ledger/ledger';
import { acquireMigrationLock, releaseMigrationLock, watchForDeadClient } from './lock/migration-lock';
import type {
  CurrentState,
  HistoryEntry,
  MigratorEvent,
  MigratorOptions,
  RunResult,
  UpgradeOptions,
} from './migrator-types';
import { loadRevisionModule, unfilledSteps } from './revision/load-revision';
import { LINEAGES, type Lineage } from './revision/revision';
import { readRevisionGraph } from './revision/revision-set';
import { createAllAndStamp, createMissingTables, isEmptyDatabase } from './run/create-all';
import { assertConsistent, readDatabaseState } from './run/database-state';
import type { Direction, RevisionOutcome } from './run/execute-revision';
import { renderRevisionSql } from './run/offline-sql';
import { runPlan } from './run/run-plan';
import { stampRevisions } from './run/stamp';

export class Migrator {
  readonly #options: Readonly<MigratorOptions>;
  readonly #graph: RevisionGraph;
  readonly #dataSource: DataSource;

  private constructor(options: MigratorOptions, graph: RevisionGraph, dataSource: DataSource) {
    this.#options = Object.freeze({ ...options });
    this.#graph = graph;
    this.#dataSource = dataSource;
  }

  /**
   * Reads and checks the migrations folders, then connects.
   *
   * @example
   * const migrator = await Migrator.connect({ databaseUrl, sources: [{ lineage: 'app', dir: './migrations' }] });
   * try { await migrator.upgrade(); } finally { await migrator.close(); }
   */
  static async connect(options: MigratorOptions): Promise<Migrator> {
    const graph = readRevisionGraph(options.sources);
    const dataSource = await openDataSource(options.databaseUrl, {
      applicationName: `dazzle-migrator ${APPLIED_BY}`,
      poolSize: 2,
      retryForMs: options.connectRetryMs,
      onRetry: (retry) => options.onEvent?.({ type: 'connect-retry', retry }),
    });
    return new Migrator(options, graph, dataSource);
  }

  get graph(): RevisionGraph {
    return this.#graph;
  }

  get dataSource(): DataSource {
    return this.#dataSource;
  }

  /** Code heads per lineage. */
  heads(): Record<Lineage, string[]> {
    return { framework: this.#graph.heads('framework'), app: this.#graph.heads('app') };
  }

  /**
   * Applies pending revisions up to the target, each in its own transaction with its ledger row.
   * When the database is already there, this costs one query and takes no lock.
   */
  async upgrade(options: UpgradeOptions = {}): Promise<RunResult> {
    const started = performance.now();
    const applied = await this.#withRunner(readAppliedChecksums);
    const consistent =
      applied && [...applied].every(([id, checksum]) => this.#graph.get(id)?.checksum === checksum);
    if (consistent && planUpgrade(this.#graph, new Set(applied.keys()), options.target).length === 0) {
      return { revisions: [], method: 'replay', noop: true, durationMs: performance.now() - started };
    }
    return this.#locked(async (db) => {
      await bootstrapInfrastructure(db);
      const state = await readDatabaseState(db, this.#graph);
      assertConsistent(state, options.acceptChecksums);
      for (const mismatch of state.checksumMismatches) {
        await updateLedgerChecksum(db, mismatch.id, mismatch.current);
        this.#emit({ type: 'checksum-accepted', revision: mismatch.id });
      }
      const plan = planUpgrade(this.#graph, state.applied, options.target);
      if (
        options.createAllFrom &&
        state.ledger.length === 0 &&
        plan.length > 0 &&
        (await isEmptyDatabase(db))
      ) {
        const revisions = await createAllAndStamp(
          db,
          this.#options.databaseUrl,
          options.createAllFrom,
          this.#graph,
          plan,
        );
        return { revisions, method: 'create-all', noop: false, durationMs: performance.now() - started };
      }
      this.#assertFilled(plan);
      const revisions = await this.#run(db, plan, 'up');
      return {
        revisions,
        method: 'replay',
        noop: revisions.length === 0,
        durationMs: performance.now() - started,
      };
    });
  }

  /**
   * Reverts applied revisions down to the target: a revision id (kept applied), `-N` or
   * `<lineage>@-N`, `<lineage>@base`, or `base`.
   */
  async downgrade(target: string): Promise<RunResult> {
    const started = performance.now();
    return this.#locked(async (db) => {
      await bootstrapInfrastructure(db);
      const state = await readDatabaseState(db, this.#graph);
      assertConsistent(state);
      const plan = planDowngrade(this.#graph, state.applied, target);
      const revisions = await this.#run(db, plan, 'down');
      return {
        revisions,
        method: 'replay',
        noop: revisions.length === 0,
        durationMs: performance.now() - started,
      };
    });
  }

  /** Where the database is, what is pending, and anything that would make `upgrade` refuse. */
  async current(): Promise<CurrentState> {
    const state = await this.#withRunner((db) => readDatabaseState(db, this.#graph));
    const current = Object.fromEntries(
      LINEAGES.map((lineage) => {
        const applied = state.ledger.filter((r) => r.lineage === lineage);
        const parents = new Set(applied.flatMap((r) => r.parents));
        return [
          lineage,
          applied
            .filter((r) => !parents.has(r.id))
            .map((r) => r.id)
            .sort(),
        ];
      }),
    ) as Record<Lineage, string[]>;
    const pendingIds = this.#graph.order(
      this.#graph
        .all()
        .map((r) => r.id)
        .filter((id) => !state.applied.has(id)),
    );
    return {
      current,
      pending: pendingIds.map((id) => this.#graph.get(id)!),
      unknown: state.unknown,
      checksumMismatches: state.checksumMismatches,
      atHeads: pendingIds.length === 0 && state.unknown.length === 0,
    };
  }

  /** Every revision in apply order, with its ledger row when applied. */
  async history(): Promise<HistoryEntry[]> {
    const state = await this.#withRunner((db) => readDatabaseState(db, this.#graph));
    const byId = new Map(state.ledger.map((r) => [r.id, r]));
    const heads = new Set([...this.#graph.heads('framework'), ...this.#graph.heads('app')]);
    return this.#graph
      .all()
      .map((revision) => ({ revision, applied: byId.get(revision.id), isHead: heads.has(revision.id) }));
  }

  /**
   * Records revisions as applied without running them, to adopt a database whose schema already
   * matches: the ledger ends up holding exactly the target and what it needs, for that lineage.
   */
  async stamp(target: string): Promise<{ added: string[]; removed: string[] }> {
    return this.#locked(async (db) => {
      await bootstrapInfrastructure(db);
      const state = await readDatabaseState(db, this.#graph);
      return stampRevisions(db, this.#graph, state, target);
    });
  }

  /**
   * Creates the tables of these entities that do not exist yet, and never alters an existing
   * one: running it twice changes nothing. Returns the statements it ran.
   */
  async createAll(entities: readonly EntityClass[]): Promise<string[]> {
    return this.#locked(async (db) => {
      await bootstrapInfrastructure(db);
      return createMissingTables(db, this.#options.databaseUrl, entities);
    });
  }

  /** The SQL `upgrade` would run, as a script; reads the ledger (if any) but changes nothing. */
  async renderUpgradeSql(options: UpgradeOptions & { fromBase?: boolean } = {}): Promise<string> {
    const applied = options.fromBase
      ? new Set<string>()
      : (await this.#withRunner((db) => readDatabaseState(db, this.#graph))).applied;
    return this.#render(planUpgrade(this.#graph, applied, options.target), 'up');
  }

  async renderDowngradeSql(target: string): Promise<string> {
    const { applied } = await this.#withRunner((db) => readDatabaseState(db, this.#graph));
    return this.#render(planDowngrade(this.#graph, applied, target), 'down');
  }

  async close(): Promise<void> {
    if (this.#dataSource.isInitialized) await this.#dataSource.destroy();
  }

  async #render(plan: readonly string[], direction: Direction): Promise<string> {
    const parts: string[] = [];
    for (const id of plan) {
      const info = this.#graph.get(id)!;
      parts.push(await renderRevisionSql(info, await loadRevisionModule(info), direction));
    }
    return parts.length === 0
      ? '-- Nothing to do: the database is already at the target.\n'
      : `${parts.join('\n\n')}\n`;
  }

  #run(db: QueryRunner, plan: readonly string[], direction: Direction): Promise<RevisionOutcome[]> {
    return runPlan(db, this.#graph, plan, direction, (event) => this.#emit(event));
  }

  #assertFilled(plan: readonly string[]): void {
    for (const id of plan) {
      const info = this.#graph.get(id)!;
      const lines = unfilledSteps(info);
      if (lines.length > 0) {
        throw new MigratorError(
          'REVISION_NEEDS_HAND_FILL',
          `Revision ${id} has a step to fill in by hand at ${info.file}:${lines[0]}: write the SQL there, remove the marker, run \`dazzle db rehash\`, then upgrade.`,
          { revision: id, file: info.file, lines },
        );
      }
    }
  }

  async #locked<T>(work: (db: QueryRunner) => Promise<T>): Promise<T> {
    return this.#withRunner(async (db) => {
      const started = performance.now();
      await watchForDeadClient(db);
      await acquireMigrationLock(db, {
        timeoutMs: this.#options.lockTimeoutMs ?? 60_000,
        onWait: (holder) => this.#emit({ type: 'lock-wait', holder }),
      });
      this.#emit({ type: 'lock-acquired', waitedMs: performance.now() - started });
      return settle(work(db), () => releaseMigrationLock(db));
    });
  }

  async #withRunner<T>(work: (db: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.#dataSource.createQueryRunner();
    await runner.connect();
    return settle(work(runner), () => runner.release());
  }

  #emit(event: MigratorEvent): void {
    this.#options.onEvent?.(event);
  }
}

/**
 * Awaits the work, then the cleanup. A cleanup failure never hides the work's own error: when a
 * revision failed because the session died, releasing the lock on that session fails too (the lock
 * went with the session), and the revision's error is the one to report.
 */
async function settle<T>(work: Promise<T>, cleanup: () => Promise<unknown>): Promise<T> {
  let result: T;
  try {
    result = await work;
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
  await cleanup();
  return result;
}

export { resolveRevision };
