/**
 * One migrator verb over a fleet of databases with bounded concurrency: every database gets its
 * own Migrator (its own lock, its own ledger), a failure on one never stops the others, and the
 * result lists every database with what happened to it. A database already at heads costs the
 * one-query no-op check, so a rerun only works on the databases that are not there yet.
 */
import { maskSecrets } from '../database/mask-secrets';
import { MigratorError } from '../errors';
import { Migrator } from '../migrator';
import type { MigrationSource } from '../revision/revision-set';
import { DEFAULT_FLEET_CONCURRENCY } from './fleet-defaults';
import type { FleetTarget } from './fleet-targets';

export type FleetVerb = 'upgrade' | 'check' | 'current';

/** What happened to one database. `failed` carries the error's code and one-line message. */
export type FleetOutcome = 'upgraded' | 'at-heads' | 'pending' | 'failed';

export interface FleetResult {
  /** The URL with its password masked. */
  readonly database: string;
  readonly outcome: FleetOutcome;
  /** The schema state (`in-step`, `pending`, `ahead`, …) when it could be read. */
  readonly state: string | null;
  /** Revisions applied (upgrade) or pending (check/current). */
  readonly revisions: number;
  readonly code: string | null;
  readonly message: string | null;
  readonly durationMs: number;
}

/** Counts for the live progress line. */
export interface FleetProgress {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly running: number;
  readonly waitingForLock: number;
}

export interface RunFleetOptions {
  verb: FleetVerb;
  targets: readonly FleetTarget[];
  sources: readonly MigrationSource[];
  /** Databases worked on at once. Default {@link DEFAULT_FLEET_CONCURRENCY}. */
  concurrency?: number;
  lockTimeoutMs?: number;
  onProgress?: (progress: FleetProgress) => void;
}

/**
 * Runs the verb on every database, at most `concurrency` at a time, and returns one result per
 * database in the list's order.
 *
 * @example
 * const results = await runFleet({ verb: 'upgrade', targets, sources, concurrency: 8 });
 * const failed = results.filter((r) => r.outcome === 'failed');
 */
export async function runFleet(options: RunFleetOptions): Promise<FleetResult[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_FLEET_CONCURRENCY));
  const results: FleetResult[] = new Array(options.targets.length);
  const counts = { done: 0, failed: 0, running: 0, waitingForLock: 0 };
  const report = () => options.onProgress?.({ total: options.targets.length, ...counts });
  let next = 0;
  const worker = async () => {
    while (next < options.targets.length) {
      const index = next++;
      counts.running++;
      report();
      const result = await runOne(options, options.targets[index]!, (waiting) => {
        counts.waitingForLock += waiting ? 1 : -1;
        report();
      });
      results[index] = result;
      counts.running--;
      if (result.outcome === 'failed') counts.failed++;
      else counts.done++;
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, options.targets.length) }, worker));
  return results;
}

async function runOne(
  options: RunFleetOptions,
  target: FleetTarget,
  onLockWait: (waiting: boolean) => void,
): Promise<FleetResult> {
  const started = performance.now();
  let waiting = false;
  const finish = (fields: Omit<FleetResult, 'database' | 'durationMs'>): FleetResult => {
    if (waiting) onLockWait(false);
    return Object.freeze({
      database: target.display,
      durationMs: Math.round(performance.now() - started),
      ...fields,
    });
  };
  let migrator: Migrator | undefined;
  try {
    migrator = await Migrator.connect({
      databaseUrl: target.url,
      sources: options.sources,
      lockTimeoutMs: options.lockTimeoutMs,
      onEvent: (event) => {
        if (event.type === 'lock-wait' && !waiting) {
          waiting = true;
          onLockWait(true);
        }
        if (event.type === 'lock-acquired' && waiting) {
          waiting = false;
          onLockWait(false);
        }
      },
    });
    if (options.verb === 'upgrade') {
      const run = await migrator.upgrade();
      return finish({
        outcome: run.noop ? 'at-heads' : 'upgraded',
        state: 'in-step',
        revisions: run.revisions.length,
        code: null,
        message: null,
      });
    }
    const status = await migrator.status();
    const failed = status.state !== 'in-step' && (options.verb === 'check' || status.state !== 'pending');
    return finish({
      outcome: status.state === 'in-step' ? 'at-heads' : failed ? 'failed' : 'pending',
      state: status.state,
      revisions: status.pending.length,
      code: status.code ?? null,
      message: status.state === 'in-step' ? null : maskSecrets(status.message),
    });
  } catch (error) {
    const known = error instanceof MigratorError;
    return finish({
      outcome: 'failed',
      state: null,
      revisions: 0,
      code: known ? error.code : 'UNEXPECTED',
      message: maskSecrets(((error as Error).message ?? String(error)).split('\n')[0]!),
    });
  } finally {
    await migrator?.close().catch(() => undefined);
  }
}
