/**
 * `batchUpdate` as one statement: the same walk by key, `batchSize` rows a batch, each batch
 * committed on its own, written as a PL/pgSQL `DO` block. A stepped revision's runner sends (and
 * `--sql` prints, and the shadow proves) exactly the statements its file records, so a backfill a
 * generator writes into such a revision must be one fixed statement, not a loop in TypeScript.
 * PostgreSQL allows COMMIT in a DO block sent on its own outside a transaction block, which is how
 * a non-transactional step sends it. Resumable the same way: `where` is false for rows already done.
 */
import { quoteIdent, quoteTable } from '../sql/quote';

export interface BatchUpdateSqlOptions {
  /** Rows per batch (each batch is one transaction). Default 1000. */
  batchSize?: number;
  /** A unique, ordered column to walk the table by. Default `id`. */
  key?: string;
}

/**
 * The DO block that runs `UPDATE table SET <set> WHERE <where>` in committed batches, raising a
 * NOTICE with the rows done after each one.
 *
 * @example
 * await db.query(batchUpdateSql('invoice', '"total_new" = "total"::bigint', '"total_new" IS DISTINCT FROM "total"::bigint'));
 */
export function batchUpdateSql(
  table: string,
  set: string,
  where: string,
  options: BatchUpdateSqlOptions = {},
): string {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(
      `batchUpdateSql(${table}): batchSize must be a whole number of 1 or more, got ${batchSize}.`,
    );
  const key = quoteIdent(options.key ?? 'id');
  const target = quoteTable(table);
  const label = table.replace(/'/g, "''");
  return `DO $dazzle_batch$
DECLARE
  last_key ${target}.${key}%TYPE;
  batch_rows bigint;
  done_rows bigint := 0;
BEGIN
  LOOP
    WITH batch AS (SELECT ${key} FROM ${target} WHERE (last_key IS NULL OR ${key} > last_key) AND (${where}) ORDER BY ${key} LIMIT ${batchSize}),
    done AS (UPDATE ${target} SET ${set} WHERE ${key} IN (SELECT ${key} FROM batch) RETURNING ${key})
    SELECT count(*), max(${key}) INTO batch_rows, last_key FROM done;
    EXIT WHEN batch_rows = 0;
    done_rows := done_rows + batch_rows;
    RAISE NOTICE 'batchUpdate ${label}: % rows', done_rows;
    COMMIT;
  END LOOP;
END
$dazzle_batch$`;
}
