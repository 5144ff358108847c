/**
 * The fleet's defaults, apart from the runner: the CLI shows them in `--help` when it registers its
 * commands, and must not load the runner (and TypeORM with it) to do so.
 */

/** Databases worked on at once by `--all` when `--concurrency` is not given. */
export const DEFAULT_FLEET_CONCURRENCY = 4;
