/**
 * One locked operation from start to end: find out whether a transaction pooler sits in between,
 * make sure the lease table exists, take the lease, keep it renewed while the work runs, and free
 * it however the work ends. The work gets the connection to run on (guarded against session state
 * behind a transaction pooler) and the fence its ledger writes must carry.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import { bootstrapInfrastructure } from '../ledger/ledger';
import type { MigratorEvent } from '../migrator-types';
import { LeaseKeeper, leaseFenceSql } from './lease-fence';
import { acquireMigrationLock, releaseMigrationLock, watchForDeadClient } from './migration-lock';
import { detectTransactionPooling, guardSessionState } from './pooler-detection';

export interface LockedSessionOptions<T> {
  timeoutMs: number;
  /** Who takes the lease, as others waiting for it will see it. */
  holder: string;
  emit: (event: MigratorEvent) => void;
  /** The revision running now, named when a revision is refused behind a transaction pooler. */
  currentRevision?: () => string | undefined;
  work: (db: QueryRunner, fence: string) => Promise<T>;
}

/**
 * Runs `work` under the migration lease.
 *
 * @example
 * await withMigrationLease(dataSource, { timeoutMs: 60_000, holder: 'deploy', emit: console.log, work: (db, fence) => run(db, fence) });
 */
export async function withMigrationLease<T>(
  dataSource: DataSource,
  options: LockedSessionOptions<T>,
): Promise<T> {
  const pooled = await detectTransactionPooling(dataSource);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    if (!pooled) await watchForDeadClient(runner);
    // The lease lives in a bootstrap table, so the bootstrap runs before the lease is taken.
    await bootstrapInfrastructure(runner);
    const started = performance.now();
    const lease = await acquireMigrationLock(runner, {
      timeoutMs: options.timeoutMs,
      holder: options.holder,
      onWait: (holder) => options.emit({ type: 'lock-wait', holder }),
    });
    options.emit({ type: 'lock-acquired', waitedMs: performance.now() - started });
    const keeper = new LeaseKeeper(dataSource, lease);
    let result: T;
    try {
      const db = pooled
        ? await guardSessionState(runner, options.currentRevision ?? (() => undefined))
        : runner;
      result = await options.work(db, leaseFenceSql(lease));
    } catch (error) {
      await keeper.stop();
      // The work's own error is the one to report; a lease left behind lapses on its own.
      await releaseMigrationLock(dataSource, lease).catch(() => undefined);
      throw error;
    }
    await keeper.stop();
    await releaseMigrationLock(dataSource, lease);
    return result;
  } finally {
    await runner.release();
  }
}
