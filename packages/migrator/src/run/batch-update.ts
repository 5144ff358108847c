/**
 * `batchUpdate`: a backfill a revision can run on a table that holds rows without locking them all
 * for the length of one giant UPDATE. Rows are taken in key order, `batchSize` at a time, and each
 * batch commits on its own, so writers wait at most one batch and a crash loses at most one batch.
 * It is resumable because it re-selects by `where`: write the condition so that it is false for rows
 * already done (`"total_cents" IS NULL`), and a rerun continues where the last one stopped.
 * Per-batch commits need a revision with `transactional: false`; inside a transaction it refuses.
 */
import type { QueryRunner } from 'typeorm';
import { quoteIdent, quoteTable } from '../sql/quote';

export interface BatchUpdateOptions {
  /** Rows per batch (each batch is one transaction). Default 1000. */
  batchSize?: number;
  /** A unique, ordered column to walk the table by. Default `id`. */
  key?: string;
  /** Called after each committed batch. Default: a progress line on stderr. */
  onProgress?: (progress: BatchProgress) => void;
}

export interface BatchProgress {
  readonly table: string;
  readonly batches: number;
  readonly rows: number;
}

/**
 * Runs `UPDATE table SET <set> WHERE <where>` in committed batches; returns the rows and batches.
 *
 * @example
 * // in a revision with `transactional: false`
 * import { batchUpdate } from '@app/cli';
 * export async function up(db) {
 *   await batchUpdate(db, 'invoice', '"total_cents" = round("total" * 100)', '"total_cents" IS NULL', { batchSize: 5000 });
 * }
 */
export async function batchUpdate(
  db: QueryRunner,
  table: string,
  set: string,
  where: string,
  options: BatchUpdateOptions = {},
): Promise<BatchProgress> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(
      `batchUpdate(${table}): batchSize must be a whole number of 1 or more, got ${batchSize}.`,
    );
  await assertOutsideTransaction(db, table);
  const key = quoteIdent(options.key ?? 'id');
  const target = quoteTable(table);
  const report =
    options.onProgress ??
    ((p: BatchProgress) =>
      process.stderr.write(`  batchUpdate ${p.table}: ${p.rows} rows in ${p.batches} batches\n`));
  let last: unknown;
  let progress: BatchProgress = { table, batches: 0, rows: 0 };
  for (;;) {
    const after = last === undefined ? '' : `${key} > $1 AND `;
    const rows: Array<{ rows: number; last: unknown }> = await db.query(
      `WITH batch AS (SELECT ${key} FROM ${target} WHERE ${after}(${where}) ORDER BY ${key} LIMIT ${batchSize}),
       done AS (UPDATE ${target} SET ${set} WHERE ${key} IN (SELECT ${key} FROM batch) RETURNING ${key})
       SELECT count(*)::int AS "rows", max(${key}) AS "last" FROM done`,
      last === undefined ? [] : [last],
    );
    const batch = rows[0]!;
    if (batch.rows === 0) return progress;
    last = batch.last;
    progress = { table, batches: progress.batches + 1, rows: progress.rows + batch.rows };
    report(progress);
  }
}

/** SAVEPOINT only works inside a transaction block: if it succeeds, batches could not commit. */
async function assertOutsideTransaction(db: QueryRunner, table: string): Promise<void> {
  let inside = false;
  try {
    await db.query('SAVEPOINT dazzle_batch_update_probe');
    inside = true;
  } catch {
    // 25P01: no transaction block, which is what batchUpdate needs
  }
  if (!inside) return;
  await db.query('RELEASE SAVEPOINT dazzle_batch_update_probe');
  throw new Error(
    `batchUpdate(${table}) runs each batch in its own transaction, so it cannot run inside the revision's transaction: set \`transactional: false\` in the revision's header, run \`dazzle db rehash\`, then upgrade again`,
  );
}
