/**
 * The steps of a stepped revision (header `steps`, see RevisionHeader): its statements cut into
 * the declared steps, and which remain once some are recorded as finished, shared by the runner and
 * the offline `--sql` rendering; and the check, before a plan runs, that every stepped revision's
 * header counts its statements (read with the offline recording runner: no database).
 */
import { MigratorError } from '../errors';
import type { RevisionGraph } from '../graph/revision-graph';
import type { RevisionInfo, RevisionModule, RevisionStep } from '../revision/revision';
import { recordStatements } from './offline-sql';

/** A step with the statements it runs and where it starts in the revision's statement list. */
export interface PlannedStep {
  readonly number: number;
  readonly transaction: boolean;
  readonly start: number;
  readonly statements: readonly string[];
}

/**
 * Cuts a revision's statements into its declared steps, refusing a header that does not add up.
 *
 * @example
 * cutIntoSteps(info, ['A;', 'B;', 'C;'], [{ statements: 1, transaction: true }, { statements: 2, transaction: false }]);
 */
export function cutIntoSteps(
  info: RevisionInfo,
  statements: readonly string[],
  steps: readonly RevisionStep[],
): PlannedStep[] {
  const declared = steps.reduce((n, s) => n + s.statements, 0);
  if (
    declared !== statements.length ||
    steps.some((s) => !Number.isInteger(s.statements) || s.statements < 1)
  ) {
    throw new MigratorError(
      'REVISION_INVALID',
      `Revision ${info.id} (${info.file}) declares steps of ${declared} statements, but sends ${statements.length}: make the header's steps count exactly the db.query() calls, in order, then run \`dazzle db rehash\`.`,
      { revision: info.id, file: info.file, declared, sent: statements.length },
    );
  }
  let start = 0;
  return steps.map((step, i) => {
    const planned = {
      number: i + 1,
      transaction: step.transaction,
      start,
      statements: statements.slice(start, start + step.statements),
    };
    start += step.statements;
    return planned;
  });
}

/** The steps a run still has to do when `done` statements of finished steps are recorded. */
export function stepsLeft(steps: readonly PlannedStep[], done: number): PlannedStep[] {
  return steps.filter((step) => step.start + step.statements.length > done);
}

/**
 * Refuses, before anything of a plan runs, a stepped revision whose `steps` do not count the
 * statements its up() and down() send (found by running them against a recording runner).
 */
export async function assertStepsAddUp(
  graph: RevisionGraph,
  plan: readonly string[],
  modules: ReadonlyMap<string, RevisionModule>,
): Promise<void> {
  for (const id of plan) {
    const info = graph.get(id)!;
    const module = modules.get(id);
    if (info.transactional || !module?.revision.steps) continue;
    for (const direction of ['up', 'down'] as const)
      cutIntoSteps(
        info,
        await recordStatements(info, module, direction),
        module.revision.steps[direction] ?? [],
      );
  }
}
