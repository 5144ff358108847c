/**
 * Runs work on a DataSource inside one transaction that is rolled back unless the work commits it
 * itself, so a kept shadow database is left exactly as it was. PostgreSQL's DDL is transactional,
 * which is what makes this equivalent to working on a throwaway copy.
 */

import { LOCK_CLASS_ID } from '@app/migrator';
import type { DataSource, QueryRunner } from 'typeorm';
import { BaseQueryRunner } from 'typeorm/query-runner/BaseQueryRunner.js';

/** Second key of the advisory lock that queues sessions on one kept shadow (the first is 'DAZZ'). */
export const SHADOW_SESSION_LOCK_ID = 2;

/**
 * Every query runner the DataSource hands out during `work` is one runner, on one connection, in
 * the open transaction: TypeORM's schema builder takes its own runner from the DataSource, and it
 * must see the uncommitted changes of the steps before it.
 */
export async function inRolledBackSession<T>(
  dataSource: DataSource,
  work: (runner: QueryRunner) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const release = runner.release.bind(runner);
  const createQueryRunner = dataSource.createQueryRunner;
  try {
    // TypeORM knows the transaction is open, so anything of its own that starts one nests in a savepoint.
    await runner.startTransaction();
    // Two sessions on one shadow would wait on each other's catalog rows in no fixed order.
    await runner.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS_ID, SHADOW_SESSION_LOCK_ID]);
    runner.release = async () => {};
    dataSource.createQueryRunner = () => {
      // A runner caches the tables it loaded; each borrower must read the catalog as it is now.
      if (runner instanceof BaseQueryRunner) runner.loadedTables = [];
      return runner;
    };
    return await work(runner);
  } finally {
    dataSource.createQueryRunner = createQueryRunner;
    runner.release = release;
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await release();
  }
}
