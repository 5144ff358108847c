/**
 * Progress of non-transactional revisions. A transactional revision commits with its ledger row or
 * leaves nothing; a non-transactional one (CREATE INDEX CONCURRENTLY) commits statement by
 * statement, so a failure or a killed runner leaves it half done. Each statement it reaches is
 * recorded here first (autocommitted), the row is marked failed when a statement fails, and it is
 * deleted in the same implicit transaction as the ledger row once the last statement succeeded.
 * A row left over means a revision stopped partway: the next run refuses until `dazzle db resolve`
 * records what the user did about it.
 */
import { REVISION_PROGRESS_TABLE } from '@app/entities-framework';
import type { QueryRunner } from 'typeorm';
import type { Direction } from '../run/execute-revision';
import { inlineParameters } from '../sql/quote';

export const CREATE_REVISION_PROGRESS_SQL = `CREATE TABLE IF NOT EXISTS "${REVISION_PROGRESS_TABLE}" (
  "id" varchar(255) NOT NULL,
  "direction" varchar(4) NOT NULL,
  "state" varchar(12) NOT NULL,
  "statements_done" integer NOT NULL DEFAULT 0,
  "statement" text,
  "error" text,
  "started_at" timestamptz NOT NULL DEFAULT now(),
  "updated_at" timestamptz NOT NULL DEFAULT now(),
  "applied_by" text NOT NULL,
  CONSTRAINT "PK__dazzle_revision_progress" PRIMARY KEY ("id")
)`;

/**
 * `running` while a runner works on it (or was killed doing so); `failed` after a statement failed.
 * A stepped revision (header `steps`) records `step-running` / `step-failed` instead, and
 * `statementsDone` counts the statements of its finished steps: the next run resumes there.
 */
export type ProgressState = 'running' | 'failed' | 'step-running' | 'step-failed';

/** True for the progress of a stepped revision, which the next run in its direction resumes. */
export function isResumable(progress: RevisionProgress): boolean {
  return progress.state === 'step-running' || progress.state === 'step-failed';
}

export interface RevisionProgress {
  readonly id: string;
  readonly direction: Direction;
  readonly state: ProgressState;
  /** Statements that completed before the one recorded in `statement`. */
  readonly statementsDone: number;
  /** The statement reached: running when the runner stopped, or the one that failed. */
  readonly statement: string | undefined;
  readonly error: string | undefined;
  readonly appliedBy: string;
  readonly updatedAt: Date;
}

export async function readRevisionProgress(db: QueryRunner): Promise<RevisionProgress[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT "id", "direction", "state", "statements_done", "statement", "error", "applied_by", "updated_at"
     FROM "${REVISION_PROGRESS_TABLE}" ORDER BY "started_at", "id"`,
  );
  return rows.map((r) => ({
    id: r.id as string,
    direction: r.direction as Direction,
    state: r.state as ProgressState,
    statementsDone: r.statements_done as number,
    statement: (r.statement as string | null) ?? undefined,
    error: (r.error as string | null) ?? undefined,
    appliedBy: r.applied_by as string,
    updatedAt: r.updated_at as Date,
  }));
}

export async function startRevisionProgress(
  db: QueryRunner,
  id: string,
  direction: Direction,
  appliedBy: string,
  state: ProgressState = 'running',
): Promise<void> {
  await db.query(
    `INSERT INTO "${REVISION_PROGRESS_TABLE}" ("id", "direction", "state", "applied_by") VALUES ($1, $2, $4, $3)
     ON CONFLICT ("id") DO UPDATE SET "state" = $4, "error" = NULL, "applied_by" = $3, "updated_at" = now()`,
    [id, direction, appliedBy, state],
  );
}

/** Records the statement about to run; `done` statements before it completed. */
export async function recordStatementReached(
  db: QueryRunner,
  id: string,
  done: number,
  statement: string,
): Promise<void> {
  await db.query(
    `UPDATE "${REVISION_PROGRESS_TABLE}" SET "statements_done" = $2, "statement" = $3, "updated_at" = now() WHERE "id" = $1`,
    [id, done, statement],
  );
}

export async function markRevisionFailed(
  db: QueryRunner,
  id: string,
  error: string,
  state: ProgressState = 'failed',
): Promise<void> {
  await db.query(
    `UPDATE "${REVISION_PROGRESS_TABLE}" SET "state" = $3, "error" = $2, "updated_at" = now() WHERE "id" = $1`,
    [id, error, state],
  );
}

/** The UPDATE a stepped revision's step commits with: `done` statements are now finished. */
export function recordStepDoneSql(id: string, done: number): string {
  return inlineParameters(
    `UPDATE "${REVISION_PROGRESS_TABLE}" SET "statements_done" = $2, "statement" = NULL, "updated_at" = now() WHERE "id" = $1`,
    [id, done],
  );
}

/** The DELETE that travels with the ledger write, so "finished" is recorded in one step. */
export function clearRevisionProgressSql(id: string): string {
  return inlineParameters(`DELETE FROM "${REVISION_PROGRESS_TABLE}" WHERE "id" = $1`, [id]);
}
