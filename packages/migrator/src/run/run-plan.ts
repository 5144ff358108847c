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
import { disciplineFor, type LockDiscipline, lockSettingsSql, withLockRetries } from './lock-discipline';
import { executeSteppedRevision } from './stepped-revision';
import { executeTrackedRevision } from './tracked-revision';

export async function runPlan(
  db: QueryRunner,
  graph: RevisionGraph,
  plan: readonly string[],
  direction: Direction,
  emit: (event: MigratorEvent) => void,
  /** The migration lease's fence, checked in each revision's ledger transaction. */
  fence?: string,
  locks?: Partial<LockDiscipline>,
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
    // Only a COMMIT may carry the next BEGIN: a BEGIN after a non-transactional revision's ledger
    // write would pull that write into the next revision's transaction, and its rollback.
    const beginNext = info.transactional && i + 1 < plan.length && graph.get(plan[i + 1]!)!.transactional;
    emit({ type: 'revision-start', revision: info, direction });
    // Transactional revisions run under lock_timeout and are tried again after a lock timeout;
    // a retry opens its own transaction (the failed one, whoever began it, is rolled back).
    const discipline = disciplineFor(locks, module.revision);
    const outcome = info.transactional
      ? await withLockRetries(
          info,
          discipline,
          (tryNumber) =>
            executeRevision(db, info, module, direction, {
              begun: begun && tryNumber === 1,
              beginNext,
              settingsSql: lockSettingsSql(discipline),
              fence,
            }),
          (retry) => emit({ type: 'lock-retry', retry }),
        )
      : module.revision.steps
        ? await executeSteppedRevision(db, info, module, direction, {
            fence,
            discipline,
            onRetry: (retry) => emit({ type: 'lock-retry', retry }),
            onStep: (step) => emit({ type: 'revision-step', step }),
          })
        : await executeTrackedRevision(db, info, module, direction, { fence });
    begun = beginNext;
    outcomes.push(outcome);
    emit({ type: 'revision-done', outcome });
  }
  return outcomes;
}
