/**
 * Runs one revision in one direction. A transactional revision and its ledger row commit together,
 * so a failure leaves neither behind; a non-transactional one (CREATE INDEX CONCURRENTLY) runs
 * statement by statement and records itself only after the last one succeeded.
 */
import type { QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';
import { deleteLedgerRow, insertLedgerRow } from '../ledger/ledger';
import type { RevisionInfo, RevisionModule } from '../revision/revision';

export type Direction = 'up' | 'down';

export interface RevisionOutcome {
  readonly id: string;
  readonly lineage: RevisionInfo['lineage'];
  readonly message: string;
  readonly direction: Direction;
  readonly durationMs: number;
}

export async function executeRevision(
  db: QueryRunner,
  info: RevisionInfo,
  module: RevisionModule,
  direction: Direction,
): Promise<RevisionOutcome> {
  const started = performance.now();
  const transactional = info.transactional;
  if (transactional) await db.startTransaction();
  try {
    await module[direction](db);
    const durationMs = performance.now() - started;
    if (direction === 'up') await insertLedgerRow(db, info, durationMs, 'run');
    else await deleteLedgerRow(db, info.id);
    if (transactional) await db.commitTransaction();
    return Object.freeze({
      id: info.id,
      lineage: info.lineage,
      message: info.message,
      direction,
      durationMs: performance.now() - started,
    });
  } catch (error) {
    if (transactional && db.isTransactionActive) await db.rollbackTransaction();
    throw revisionFailure(info, direction, error);
  }
}

function revisionFailure(info: RevisionInfo, direction: Direction, error: unknown): MigratorError {
  const failed = error as {
    message?: string;
    query?: string;
    driverError?: { code?: string; message?: string; detail?: string };
  };
  const reason = failed.driverError?.message ?? failed.message ?? String(error);
  const statement = typeof failed.query === 'string' ? failed.query : undefined;
  const what = info.transactional
    ? 'was rolled back whole; nothing of it remains'
    : 'is not transactional: statements before the failing one stay applied';
  const shown = statement ? ` Statement: ${statement.replace(/\s+/g, ' ').slice(0, 300)}` : '';
  return new MigratorError(
    'MIGRATION_FAILED',
    `Revision ${info.id} (${info.file}) failed ${direction === 'up' ? 'upgrading' : 'downgrading'} and ${what}: ${reason}.${shown} Fix the revision, then run the command again.`,
    {
      revision: info.id,
      file: info.file,
      direction,
      statement,
      postgresCode: failed.driverError?.code,
      postgresMessage: reason,
      detail: failed.driverError?.detail,
    },
    error,
  );
}
