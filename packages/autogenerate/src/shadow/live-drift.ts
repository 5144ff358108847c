/**
 * Drift in a live database: its schema compared with the schema its applied revisions produce,
 * replayed on a throwaway shadow database on the same server. `check --live` reports the
 * differences; `stamp` refuses to record revisions a database does not match. Both ask this
 * module, so they cannot disagree about what "matches" means. The comparison itself (catalog
 * snapshots, compareCatalogs, which revisions to replay) is @app/migrator's.
 */
import {
  compareCatalogs,
  type LiveDrift,
  type MigrationSource,
  Migrator,
  outermostRevisions,
  readRevisionGraph,
  snapshotCatalog,
} from '@app/migrator';
import { withShadowDatabase } from './shadow-database';

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
