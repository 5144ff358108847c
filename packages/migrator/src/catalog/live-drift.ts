/**
 * Drift in a live database: its schema compared with the schema its applied revisions produce,
 * replayed on a throwaway shadow database on the same server. `check --live` reports the
 * differences; `stamp` refuses to record revisions a database does not match. Both ask this
 * module, so they cannot disagree about what "matches" means.
 */
import { withShadowDatabase } from '../generate/shadow-database';
import type { RevisionGraph } from '../graph/revision-graph';
import { Migrator } from '../migrator';
import { type MigrationSource, readRevisionGraph } from '../revision/revision-set';
import { snapshotCatalog } from './catalog-snapshot';
import { type CatalogDifference, compareCatalogs } from './compare-catalogs';

export interface LiveDrift {
  /** Every object missing, extra or different in the live database; empty when it matches. */
  differences: CatalogDifference[];
  /** How many revisions were replayed on the shadow to build the expected schema. */
  replayed: number;
}

/** The applied revisions no other applied revision needs: upgrading to each rebuilds the whole set. */
export function outermostRevisions(graph: RevisionGraph, applied: ReadonlySet<string>): string[] {
  const needed = new Set<string>();
  for (const id of applied) {
    const info = graph.get(id);
    for (const other of [...(info?.parents ?? []), ...(info?.dependsOn ?? [])]) needed.add(other);
  }
  return graph.order([...applied].filter((id) => !needed.has(id) && graph.get(id)));
}

/**
 * Compares the database at `databaseUrl` with a replay of `applied` (the ledger as it is, or as a
 * stamp would leave it).
 *
 * @example
 * const { differences } = await findLiveDrift({ databaseUrl, sources, applied: new Set(ledgerIds) });
 * for (const d of differences) console.log(formatDifference(d));
 */
export async function findLiveDrift(options: {
  databaseUrl: string;
  sources: readonly MigrationSource[];
  applied: ReadonlySet<string>;
}): Promise<LiveDrift> {
  const graph = readRevisionGraph(options.sources);
  const targets = outermostRevisions(graph, options.applied);
  const { expected, replayed } = await withShadowDatabase(options.databaseUrl, async (shadowUrl) => {
    const shadow = await Migrator.connect({ databaseUrl: shadowUrl, sources: options.sources });
    let count = 0;
    try {
      for (const target of targets) count += (await shadow.upgrade({ target })).revisions.length;
    } finally {
      await shadow.close();
    }
    return { expected: await snapshotCatalog(shadowUrl), replayed: count };
  });
  const actual = await snapshotCatalog(options.databaseUrl);
  return { differences: compareCatalogs(expected, actual), replayed };
}
