/**
 * How many kept shadows a server holds: the bounds docs/reference/migrations.md promises, as one
 * pure decision, so that a mutation run or a busy shared server cannot pile them up. Applied each
 * time a kept shadow is built; one in use is left for the next time (DROP without FORCE).
 */

/** Other projects' kept shadows beyond this many newest are dropped once an hour old. */
export const KEEP_ON_SERVER = 4;
/** Never more than this many complete kept shadows on one server, whatever their age. */
export const MAX_ON_SERVER = 16;
const GRACE_MS = 3_600_000;

export interface CompletedKeptShadow {
  readonly name: string;
  /** ISO time it was completed. */
  readonly completedAt: string;
}

/** `dazzle_cache_<project>_<set>` → `dazzle_cache_<project>_`. */
export function projectPrefixOf(name: string): string {
  return name.slice(0, name.lastIndexOf('_') + 1);
}

/**
 * The kept shadows to drop after `keep` was built: the project's others, others beyond the newest
 * KEEP_ON_SERVER once an hour old, and all beyond the newest MAX_ON_SERVER.
 *
 * @example
 * keptShadowsToEvict(complete, 'dazzle_cache_ab12cd34_…', new Date()); // names, oldest last
 */
export function keptShadowsToEvict(
  complete: readonly CompletedKeptShadow[],
  keep: string,
  now: Date,
): string[] {
  const project = projectPrefixOf(keep);
  const graceEnd = new Date(now.getTime() - GRACE_MS).toISOString();
  const newestFirst = [...complete].sort((a, b) => b.completedAt.localeCompare(a.completedAt));
  return newestFirst
    .filter(
      (k, i) =>
        k.name !== keep &&
        (k.name.startsWith(project) ||
          i >= MAX_ON_SERVER ||
          (i >= KEEP_ON_SERVER && k.completedAt < graceEnd)),
    )
    .map((k) => k.name);
}
