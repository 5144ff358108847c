/**
 * Tests that kill or interrupt a runner mid-statement must first see that statement running on
 * the server; polling pg_stat_activity is the only way to know, since the runner is another
 * process. A timeout throws, so a test never goes on to kill a runner that never got there.
 */
import { queryDatabase } from './test-database.js';

export interface WaitForRowsOptions {
  /** How long to poll before giving up; default 30 s. */
  timeoutMs?: number;
  /** Pause between polls; default 50 ms. */
  intervalMs?: number;
}

/**
 * Runs `sql` until it returns at least one row, and returns those rows.
 *
 * @example
 * await waitForRows(db.url, "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(%' AND state = 'active'");
 * @throws Error naming the query when no row came within the timeout.
 */
export async function waitForRows<Row extends Record<string, unknown> = Record<string, unknown>>(
  url: string,
  sql: string,
  options: WaitForRowsOptions = {},
): Promise<Row[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const rows = await queryDatabase<Row>(url, sql);
    if (rows.length > 0) return rows;
    if (Date.now() >= deadline) {
      throw new Error(`No row within ${options.timeoutMs ?? 30_000} ms from: ${sql}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
