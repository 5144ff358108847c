/**
 * Runs a planned sequence of revisions in one direction, loading each module just before it runs.
 * Consecutive transactional revisions share round trips: one revision's COMMIT carries the next
 * one's BEGIN.
 */
import type { QueryRunner } from 'typeorm';
import type { RevisionGraph } from '../graph/revision-graph';
import type { MigratorEvent } from '../migrator-types';
import { loadRevisionModule } from '../revision/load-revision';
import type { RevisionModule } from '../revision/revision';
import { type Direction, executeRevision, type RevisionOutcome } from './execute-revision';

export async function runPlan(
  db: QueryRunner,
  graph: RevisionGraph,
  plan: readonly string[],
  direction: Direction,
  emit: (event: MigratorEvent) => void,
  /** Modules already loaded and verified (see verify-revisions); others are loaded here. */
  loaded?: ReadonlyMap<string, RevisionModule>,
): Promise<RevisionOutcome[]> {
  const outcomes: RevisionOutcome[] = [];
  let begun = false;
  for (const [i, id] of plan.entries()) {
    const info = graph.get(id)!;
    let module: RevisionModule;
    try {
      module = loaded?.get(id) ?? (await loadRevisionModule(info));
    } catch (error) {
      // The previous revision is committed; only the transaction it opened for this one is undone.
      if (begun) await db.query('ROLLBACK');
      throw error;
    }
    const beginNext = i + 1 < plan.length && graph.get(plan[i + 1]!)!.transactional;
    emit({ type: 'revision-start', revision: info, direction });
    const outcome = await executeRevision(db, info, module, direction, { begun, beginNext });
    begun = beginNext;
    outcomes.push(outcome);
    emit({ type: 'revision-done', outcome });
  }
  return outcomes;
}
