/**
 * Runs a stepped revision (`transactional: false` with a `steps` header, as online rewrites are
 * generated): each step in its own transaction (under the revision lock discipline, retried after a
 * lock timeout) or, for CONCURRENTLY, outside any. The progress table records the statements of
 * the finished steps, committed with a transactional step's own COMMIT, so a run that stops, failed
 * or killed, leaves a record the next run in the same direction resumes from: the steps before it
 * are not run again, the step it was in is run again from its first statement (each step is written
 * to allow that: a transaction left nothing, and a concurrent build first drops what it left).
 */
import type { QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';
import { APPLIED_BY, deleteLedgerRowSql, insertLedgerRowSql, ledgerRowParameters } from '../ledger/ledger';
import {
  clearRevisionProgressSql,
  markRevisionFailed,
  readRevisionProgress,
  recordStatementReached,
  recordStepDoneSql,
  startRevisionProgress,
} from '../ledger/revision-progress';
import type { RevisionStepEvent } from '../migrator-types';
import type { RevisionInfo, RevisionModule } from '../revision/revision';
import { inlineParameters } from '../sql/quote';
import { type Direction, type RevisionOutcome, revisionFailure } from './execute-revision';
import type { LockRetry } from './lock-discipline';
import { type LockDiscipline, lockSettingsSql, withLockRetries } from './lock-discipline';
import { recordStatements } from './offline-sql';
import { cutIntoSteps, type PlannedStep, stepsLeft } from './revision-steps';

export interface SteppedRevisionOptions {
  /** The migration lease's fence, checked before each step and with the ledger write. */
  fence?: string;
  discipline: LockDiscipline;
  onRetry?: (retry: LockRetry) => void;
  onStep?: (step: RevisionStepEvent) => void;
}

async function runStep(
  db: QueryRunner,
  info: RevisionInfo,
  direction: Direction,
  step: PlannedStep,
  options: SteppedRevisionOptions,
): Promise<void> {
  const finished = recordStepDoneSql(info.id, step.start + step.statements.length);
  if (!step.transaction) {
    for (const sql of step.statements) await db.query(sql);
    await db.query(finished);
    return;
  }
  await withLockRetries(
    info,
    options.discipline,
    async () => {
      try {
        await db.query(`BEGIN;\n${lockSettingsSql(options.discipline)}`);
        for (const sql of step.statements) await db.query(sql);
        await db.query(`${finished};\nCOMMIT`);
      } catch (error) {
        await db.query('ROLLBACK').catch(() => undefined);
        throw revisionFailure(info, direction, error);
      }
    },
    (retry) => options.onRetry?.(retry),
  );
}

/**
 * Runs (or resumes) a stepped revision in one direction and records it in the ledger.
 *
 * @example
 * await executeSteppedRevision(db, info, module, 'up', { discipline, fence });
 */
export async function executeSteppedRevision(
  db: QueryRunner,
  info: RevisionInfo,
  module: RevisionModule,
  direction: Direction,
  options: SteppedRevisionOptions,
): Promise<RevisionOutcome> {
  const started = performance.now();
  const steps = cutIntoSteps(
    info,
    await recordStatements(info, module, direction),
    module.revision.steps?.[direction] ?? [],
  );
  const recorded = (await readRevisionProgress(db)).find(
    (p) => p.id === info.id && p.direction === direction,
  );
  const done = recorded?.statementsDone ?? 0;
  await startRevisionProgress(db, info.id, direction, APPLIED_BY, 'step-running');
  let current: PlannedStep | undefined;
  try {
    for (const step of stepsLeft(steps, done)) {
      options.onStep?.({
        revision: info.id,
        step: step.number,
        of: steps.length,
        transaction: step.transaction,
        resumed: current === undefined && step.number > 1,
      });
      current = step;
      // Checked before each step: a step outside a transaction cannot be undone once it ran.
      if (options.fence) await db.query(options.fence);
      await recordStatementReached(db, info.id, step.start, step.statements[0]!);
      await runStep(db, info, direction, step, options);
    }
    const ledger =
      direction === 'up'
        ? inlineParameters(
            insertLedgerRowSql(),
            ledgerRowParameters(info, performance.now() - started, 'run'),
          )
        : inlineParameters(deleteLedgerRowSql(), [info.id]);
    const fence = options.fence ? `${options.fence};\n` : '';
    // One implicit transaction: the revision is recorded and its progress cleared together.
    await db.query(`${fence}${ledger};\n${clearRevisionProgressSql(info.id)}`);
  } catch (error) {
    const failure = error instanceof MigratorError ? error : revisionFailure(info, direction, error);
    if (failure.code === 'DATABASE_CONNECTION_LOST') throw failure;
    await markRevisionFailed(
      db,
      info.id,
      String(failure.details.postgresMessage ?? failure.message),
      'step-failed',
    ).catch(() => undefined);
    const at = current
      ? ` It stopped in step ${current.number} of ${steps.length}; the steps before it stay applied, and the next \`dazzle db ${direction === 'up' ? 'upgrade' : 'downgrade'}\` resumes at step ${current.number}.`
      : '';
    throw new MigratorError(
      failure.code,
      `${failure.message}${at}`,
      { ...failure.details, step: current?.number },
      failure.cause ?? error,
    );
  }
  return Object.freeze({
    id: info.id,
    lineage: info.lineage,
    message: info.message,
    direction,
    durationMs: performance.now() - started,
  });
}
