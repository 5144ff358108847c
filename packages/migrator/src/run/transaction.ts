/** Runs work inside one transaction on a query runner: committed whole, or rolled back whole. */
import type { QueryRunner } from 'typeorm';

export async function inTransaction<T>(db: QueryRunner, work: () => Promise<T>): Promise<T> {
  await db.startTransaction();
  try {
    const result = await work();
    await db.commitTransaction();
    return result;
  } catch (error) {
    if (db.isTransactionActive) await db.rollbackTransaction();
    throw error;
  }
}
