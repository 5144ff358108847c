/**
 * Proves a test run left no database behind on its server: the names present when the run began
 * are recorded, and at its end every database the run made is dropped. Kept shadows (which
 * `revision` and `check` leave on purpose) are expected and dropped quietly; anything else left
 * (a suite's database, a throwaway shadow) is a leak the run fails on, after dropping it too.
 */
import pg from 'pg';

/** Names of databases tests and the migrator make; nothing else on a shared server is touched. */
const TEST_DATABASE_PREFIXES = ['t_', 'dazzle_shadow_', 'dazzle_cache_'] as const;
const KEPT_SHADOW_PREFIX = 'dazzle_cache_';

export interface DatabaseCensus {
  readonly adminUrl: string;
  /** Databases on the server when the run began. */
  readonly before: ReadonlySet<string>;
}

export interface ReclaimResult {
  /** Kept shadows the run's tests left (by design), now dropped. */
  keptShadows: string[];
  /** Other databases the run's tests should have dropped themselves, now dropped. */
  leaked: string[];
  /** How many databases the server has before and after the run (equal once reclaimed). */
  countBefore: number;
  countAfter: number;
}

async function withClient<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function databaseNames(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>('SELECT datname AS name FROM pg_database');
  return rows.map((r) => r.name);
}

/** Records the databases present on the server before a run. */
export async function takeDatabaseCensus(adminUrl: string): Promise<DatabaseCensus> {
  return { adminUrl, before: new Set(await withClient(adminUrl, databaseNames)) };
}

/**
 * Drops every database made since the census whose name is one tests or the migrator use, and
 * reports which were kept shadows and which were leaks.
 *
 * @example
 * const census = await takeDatabaseCensus(url);
 * // … run the tests …
 * const { leaked } = await reclaimDatabases(census);
 */
export async function reclaimDatabases(
  census: DatabaseCensus,
  /** Names to reclaim (default: every prefix tests and the migrator use). */
  prefixes: readonly string[] = TEST_DATABASE_PREFIXES,
): Promise<ReclaimResult> {
  return withClient(census.adminUrl, async (client) => {
    const made = (await databaseNames(client)).filter(
      (name) => !census.before.has(name) && prefixes.some((p) => name.startsWith(p)),
    );
    for (const name of made) {
      await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
    }
    return {
      keptShadows: made.filter((name) => name.startsWith(KEPT_SHADOW_PREFIX)),
      leaked: made.filter((name) => !name.startsWith(KEPT_SHADOW_PREFIX)),
      countBefore: census.before.size,
      countAfter: (await databaseNames(client)).length,
    };
  });
}

/** The error a run fails with when it left databases behind or the count does not match. */
export function leftBehindError(result: ReclaimResult): Error | undefined {
  if (result.leaked.length > 0) {
    return new Error(
      `The test run left ${result.leaked.length} database(s) behind (now dropped): ${result.leaked.join(', ')}. Drop each database a suite creates in its afterAll.`,
    );
  }
  if (result.countAfter !== result.countBefore) {
    return new Error(
      `The server had ${result.countBefore} databases before the test run and ${result.countAfter} after it: a test created a database under a name the census does not know.`,
    );
  }
  return undefined;
}
