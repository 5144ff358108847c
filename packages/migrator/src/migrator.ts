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
  type LedgerRow,
  readLedger,
  readLedgerIfPresent,
  updateLedgerChecksum,
} from './ledger/ledger';
import { withMigrationLease } from './lock/locked-session';
import type {
  HistoryEntry,
  MigratorEvent,
  MigratorOptions,
  RunResult,
  UpgradeOptions,
} from './migrator-types';
import { unfilledSteps } from './revision/load-revision';
import type { Lineage, RevisionModule } from './revision/revision';
import { readRevisionGraphOrFolderError } from './revision/revision-set';
import { loadVerifiedRevisions } from './revision/verify-revisions';
import { createAllAndStamp, createMissingTables, isEmptyDatabase } from './run/create-all';
import { planCreateAll } from './run/create-all-eligibility';
import { type DowngradeLossOptions, guardDowngradeLoss } from './run/downgrade-loss';
import type { Direction, RevisionOutcome } from './run/execute-revision';
import { assertNoIncompleteRevision, assertPlanResumesStopped } from './run/incomplete-revision';
import { renderScript } from './run/offline-sql';
import { type ResolveDecision, type ResolveResult, resolveIncompleteRevision } from './run/resolve-revision';
import { assertStepsAddUp } from './run/revision-steps';
import { runPlan } from './run/run-plan';
import { stampRevisions } from './run/stamp';
import { historyOf } from './status/history';
import {
  type AssessOptions,
  assertMigratable,
  assessSchema,
  type SchemaStatus,
} from './status/schema-status';
import { isNoopUpgrade } from './status/upgrade-noop';

export class Migrator {
  readonly #options: Readonly<MigratorOptions>;
  /** The graph, or why the folders could not be read (raised by every verb but `status`). */
  readonly #graph: RevisionGraph | MigratorError;
  readonly #dataSource: DataSource;
  /** The held migration lease's fence, while a locked operation runs. */
  #fence: string | undefined;
  /** The revision running now, for errors raised outside its own stack. */
  #running: string | undefined;

  private constructor(
    options: MigratorOptions,
    graph: RevisionGraph | MigratorError,
    dataSource: DataSource,
  ) {
    this.#options = Object.freeze({ ...options });
    this.#graph = graph;
    this.#dataSource = dataSource;
  }

  /**
   * Reads and checks the migrations folders, then connects. A folder that disagrees with its
   * manifest still connects, so `status()` can report it; every other method raises it.
   *
   * @example
   * const migrator = await Migrator.connect({ databaseUrl, sources: [{ lineage: 'app', dir: './migrations' }] });
   * try { await migrator.upgrade(); } finally { await migrator.close(); }
   */
  static async connect(options: MigratorOptions): Promise<Migrator> {
    const graph = options.graph ?? readRevisionGraphOrFolderError(options.sources);
    const dataSource = await openDataSource(options.databaseUrl, {
      applicationName: `dazzle-migrator ${APPLIED_BY}`,
      poolSize: 2,
      retryForMs: options.connectRetryMs,
      onRetry: (retry) => options.onEvent?.({ type: 'connect-retry', retry }),
    });
    return new Migrator(options, graph, dataSource);
  }

  get graph(): RevisionGraph {
    if (this.#graph instanceof MigratorError) throw this.#graph;
    return this.#graph;
  }

  get dataSource(): DataSource {
    return this.#dataSource;
  }

  /** Code heads per lineage. */
  heads(): Record<Lineage, string[]> {
    return { framework: this.graph.heads('framework'), app: this.graph.heads('app') };
  }

  /**
   * Applies pending revisions up to the target, each in its own transaction with its ledger row.
   * When the database is already there, this costs one query and takes no lock.
   */
  async upgrade(options: UpgradeOptions = {}): Promise<RunResult> {
    const started = performance.now();
    const graph = this.graph;
    if (isNoopUpgrade(graph, await this.#withRunner(readLedgerIfPresent), options.target)) {
      return { revisions: [], method: 'replay', noop: true, durationMs: performance.now() - started };
    }
    return this.#locked(async (db) => {
      await bootstrapInfrastructure(db);
      const ledger = await readLedger(db);
      const status = assessSchema(graph, ledger, { acceptChecksums: options.acceptChecksums });
      assertMigratable(status);
      await assertNoIncompleteRevision(db, graph, 'up');
      // Past the check, every changed checksum left is one the caller accepted.
      for (const mismatch of status.checksumMismatches) {
        await updateLedgerChecksum(db, mismatch.id, mismatch.current);
        this.#emit({ type: 'checksum-accepted', revision: mismatch.id });
      }
      const plan = planUpgrade(graph, appliedIds(ledger), options.target);
      await assertPlanResumesStopped(db, graph, plan, 'up');
      // Every pending revision compiles and agrees with its manifest entry before the first runs.
      const modules = await loadVerifiedRevisions(graph, plan);
      await assertStepsAddUp(graph, plan, modules);
      const createAll =
        options.createAllFrom && ledger.length === 0 && plan.length > 0 && (await isEmptyDatabase(db));
      // create-all only where it builds what replay builds; otherwise replay, and say why.
      const createAllPlan = createAll ? await planCreateAll(graph, plan, modules) : undefined;
      const createAllDeclined = createAllPlan?.declined;
      if (options.createAllFrom && createAll && createAllDeclined === undefined) {
        const revisions = await createAllAndStamp(
          db,
          this.#options.databaseUrl,
          options.createAllFrom,
          graph,
          plan,
          createAllPlan?.extensions ?? [],
        );
        return { revisions, method: 'create-all', noop: false, durationMs: performance.now() - started };
      }
      this.#assertFilled(plan);
      const revisions = await this.#run(db, plan, 'up', modules);
      return {
        revisions,
        method: 'replay',
        ...(createAllDeclined ? { createAllDeclined } : {}),
        noop: revisions.length === 0,
        durationMs: performance.now() - started,
      };
    });
  }

  /**
   * Reverts applied revisions down to the target: a revision id (kept applied), `-N` or
   * `<lineage>@-N`, `<lineage>@base`, or `base`.
   */
  async downgrade(target: string, options: DowngradeLossOptions = {}): Promise<RunResult> {
    const started = performance.now();
    const graph = this.graph;
    return this.#locked(async (db) => {
      await bootstrapInfrastructure(db);
      const ledger = await readLedger(db);
      assertMigratable(assessSchema(graph, ledger));
      await assertNoIncompleteRevision(db, graph, 'down');
      const plan = planDowngrade(graph, appliedIds(ledger), target);
      await assertPlanResumesStopped(db, graph, plan, 'down');
      const modules = await loadVerifiedRevisions(graph, plan);
      await assertStepsAddUp(graph, plan, modules);
      const destroyed = await guardDowngradeLoss(db, graph, plan, options);
      const revisions = await this.#run(db, plan, 'down', modules);
      return {
        revisions,
        destroyed,
        method: 'replay',
        noop: revisions.length === 0,
        durationMs: performance.now() - started,
      };
    });
  }

  /**
   * Whether the database is in step with the code, and if not, why and what to run: the one
   * answer `check`, `current`, `serve --no-migrate` and the upgrade pre-checks share.
   *
   * @example
   * const status = await migrator.status();
   * if (status.state !== 'in-step') console.log(`${status.code}: ${status.message}`);
   */
  async status(options: AssessOptions = {}): Promise<SchemaStatus> {
    const ledger = await this.#withRunner(readLedgerIfPresent);
    return assessSchema(this.#graph, ledger ?? [], options);
  }

  /** The same as `status()`: kept for callers that ask where the database is. */
  current(): Promise<SchemaStatus> {
    return this.status();
  }

  /** Every revision in apply order, with its ledger row when applied. */
  async history(): Promise<HistoryEntry[]> {
    const graph = this.graph;
    return historyOf(graph, (await this.#withRunner(readLedgerIfPresent)) ?? []);
  }

  /**
   * Records revisions as applied without running them, to adopt a database whose schema already
   * matches: the ledger ends up holding exactly the target and what it needs, for that lineage.
   */
  async stamp(target: string): Promise<{ added: string[]; removed: string[] }> {
    const graph = this.graph;
    return this.#locked(async (db) => {
      await bootstrapInfrastructure(db);
      return stampRevisions(db, graph, appliedIds(await readLedger(db)), target);
    });
  }

  /**
   * Records what the user did about a non-transactional revision that stopped partway
   * (REVISION_INCOMPLETE): `applied` (finished by hand) or `rolled-back` (undone, runs again).
   * Runs nothing of the revision; refuses while an INVALID index it left is still there.
   *
   * @example
   * await migrator.resolve('20260301120000_index_invoices_by_due_date', 'rolled-back');
   */
  async resolve(revision: string, decision: ResolveDecision): Promise<ResolveResult> {
    const graph = this.graph;
    return this.#locked(async (db) => {
      await bootstrapInfrastructure(db);
      return resolveIncompleteRevision(db, graph, revision, decision);
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

  /**
   * The SQL `upgrade` would run, as a script for `psql -v ON_ERROR_STOP=1 -f`: it creates the
   * ledger when missing, as `upgrade` does. Reads the ledger (unless `fromBase`) and refuses what
   * `upgrade` refuses, but changes nothing.
   */
  async renderUpgradeSql(options: UpgradeOptions & { fromBase?: boolean } = {}): Promise<string> {
    const graph = this.graph;
    const applied = options.fromBase ? new Set<string>() : await this.#appliedOrRefuse();
    const plan = planUpgrade(graph, applied, options.target);
    // A script is refused for what `upgrade` refuses: a lying manifest, an unfilled step.
    await loadVerifiedRevisions(graph, plan);
    this.#assertFilled(plan);
    return renderScript(graph, plan, 'up');
  }

  async renderDowngradeSql(target: string): Promise<string> {
    const graph = this.graph;
    const plan = planDowngrade(graph, await this.#appliedOrRefuse(), target);
    await loadVerifiedRevisions(graph, plan);
    return renderScript(graph, plan, 'down');
  }

  async close(): Promise<void> {
    if (this.#dataSource.isInitialized) await this.#dataSource.destroy();
  }

  async #appliedOrRefuse(): Promise<Set<string>> {
    const ledger = (await this.#withRunner(readLedgerIfPresent)) ?? [];
    assertMigratable(assessSchema(this.graph, ledger));
    return appliedIds(ledger);
  }

  #run(
    db: QueryRunner,
    plan: readonly string[],
    direction: Direction,
    modules: ReadonlyMap<string, RevisionModule>,
  ): Promise<RevisionOutcome[]> {
    return runPlan(
      db,
      this.graph,
      plan,
      direction,
      (event) => this.#emit(event),
      this.#fence,
      this.#options.revisionLocks,
      modules,
    );
  }

  #assertFilled(plan: readonly string[]): void {
    for (const id of plan) {
      const info = this.graph.get(id)!;
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
    return withMigrationLease(this.#dataSource, {
      timeoutMs: this.#options.lockTimeoutMs ?? 60_000,
      holder: `dazzle-migrator ${APPLIED_BY}`,
      emit: (event) => this.#emit(event),
      currentRevision: () => this.#running,
      work: (db, fence) => {
        this.#fence = fence;
        return work(db);
      },
    }).finally(() => {
      this.#fence = undefined;
    });
  }

  async #withRunner<T>(work: (db: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.#dataSource.createQueryRunner();
    await runner.connect();
    return settle(work(runner), () => runner.release());
  }

  #emit(event: MigratorEvent): void {
    if (event.type === 'revision-start') this.#running = event.revision.id;
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

function appliedIds(ledger: readonly LedgerRow[]): Set<string> {
  return new Set(ledger.map((r) => r.id));
}
