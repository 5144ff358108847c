/**
 * Drift in a live database, the part that needs no shadow: what a drift report holds, and which
 * applied revisions a replay must upgrade to so it rebuilds the whole applied set. The replay
 * itself runs on a shadow database and lives with the authoring tools (@app/autogenerate's
 * findLiveDrift); `check --live` and the verification `stamp` does first both call it.
 */
import type { RevisionGraph } from '../graph/revision-graph';
import type { CatalogDifference } from './compare-catalogs';

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
