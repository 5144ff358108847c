/**
 * `dazzle db shadow prune`: drops kept shadows on demand, this project's or every project's on
 * the server. A kept shadow is only a head start (the next `revision` or `check` rebuilds it), so
 * pruning never loses anything; one another run is using right now is left for a later prune.
 */

import { type MigrationSource, quoteIdent } from '@app/migrator';
import { keptShadowName, keptShadows } from './kept-shadow';
import { projectPrefixOf } from './kept-shadow-bounds';
import { onServer } from './shadow-database';

export interface PruneResult {
  /** Kept shadows dropped. */
  readonly dropped: readonly string[];
  /** Kept shadows left because another session is connected to them. */
  readonly inUse: readonly string[];
}

/**
 * Drops the kept shadows of the project these sources belong to, or every kept shadow on the
 * server when `sources` is undefined.
 *
 * @example
 * const { dropped } = await pruneKeptShadows(shadowServerUrl, config.sources);
 */
export async function pruneKeptShadows(
  serverUrl: string,
  sources: readonly MigrationSource[] | undefined,
): Promise<PruneResult> {
  const project = sources ? projectPrefixOf(keptShadowName(sources)) : '';
  return onServer(serverUrl, async (c) => {
    const dropped: string[] = [];
    const inUse: string[] = [];
    for (const { name } of await keptShadows(c)) {
      if (!name.startsWith(project)) continue;
      try {
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
        dropped.push(name);
      } catch (error) {
        if ((error as { code?: string }).code !== '55006') throw error; // 55006: in use
        inUse.push(name);
      }
    }
    return { dropped, inUse };
  });
}
