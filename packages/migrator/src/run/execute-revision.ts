/**
 * Runs one revision in one direction. A transactional revision and its ledger row commit together,
 * so a failure leaves neither behind; a non-transactional one (CREATE INDEX CONCURRENTLY) runs
 * statement by statement and records itself only after the last one succeeded.
 */
import type { QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';
import { deleteLedgerRowSql, insertLedgerRowSql, ledgerRowParameters } from '../ledger/ledger';
import { LEASE_LOST_SQLSTATE, leaseLostFailure } from '../lock/lease-fence';
import type { RevisionInfo, RevisionModule } from '../revision/revision';
import { inlineParameters } from '../sql/quote';
import { DATA_GUARD_SQLSTATE, dataGuardStop } from './data-guard-stop';

export type Direction = 'up' | 'down';

export interface RevisionOutcome {
  readonly id: string;
  readonly lineage: RevisionInfo['lineage'];
  readonly message: string;
  readonly direction: Direction;
  readonly durationMs: number;
}

export interface ExecuteRevisionOptions {
  /** This revision's transaction is already open: the previous revision's last round trip began it. */
  begun?: boolean;
  /** Begin the next revision's transaction in this one's last round trip. */
  beginNext?: boolean;
  /** The migration lease's fence: runs in the ledger write's transaction, so a lost lease cannot commit. */
  fence?: string;
  /** Statements run first inside a transactional revision's transaction (its SET LOCAL limits). */
  settingsSql?: string;
  /** The runner handed to the revision's up/down (one that records each statement reached). */
  moduleRunner?: QueryRunner;
  /** Runs in the same round trip (and implicit transaction) as the ledger write. */
  ledgerSuffixSql?: string;
}

export async function executeRevision(
  db: QueryRunner,
  info: RevisionInfo,
  module: RevisionModule,
  direction: Direction,
  options: ExecuteRevisionOptions = {},
): Promise<RevisionOutcome> {
  const started = performance.now();
  const transactional = info.transactional;
  // BEGIN/COMMIT are sent as SQL, and the ledger row travels with the COMMIT (and the next
  // revision's BEGIN) in one round trip: in a run, a revision costs its own statements plus one
  // round trip, where TypeORM's runner needs three.
  try {
    if (transactional) {
      const opening = [
        ...(options.begun ? [] : ['BEGIN']),
        ...(options.settingsSql ? [options.settingsSql] : []),
      ];
      if (opening.length > 0) await db.query(opening.join(';\n'));
    }
    // A non-transactional revision cannot be rolled back: check the lease before its first statement too.
    if (!transactional && options.fence) await db.query(options.fence);
    await module[direction](options.moduleRunner ?? db);
    const durationMs = performance.now() - started;
    const ledger = [
      direction === 'up'
        ? inlineParameters(insertLedgerRowSql(), ledgerRowParameters(info, durationMs, 'run'))
        : inlineParameters(deleteLedgerRowSql(), [info.id]),
      ...(options.ledgerSuffixSql ? [options.ledgerSuffixSql] : []),
    ].join(';\n');
    const commit = transactional ? ';\nCOMMIT' : '';
    // Without a BEGIN, a multi-statement string is one implicit transaction: fence and row commit together.
    const fence = options.fence ? `${options.fence};\n` : '';
    // A failure anywhere in the string stops it there: the BEGIN only runs once the COMMIT succeeded.
    await db.query(`${fence}${ledger}${commit}${options.beginNext ? ';\nBEGIN' : ''}`);
    return Object.freeze({
      id: info.id,
      lineage: info.lineage,
      message: info.message,
      direction,
      durationMs: performance.now() - started,
    });
  } catch (error) {
    if (transactional) await rollbackQuietly(db);
    throw revisionFailure(info, direction, error);
  }
}

/**
 * Rolls back after a failed revision. If the ROLLBACK itself fails the session is gone, and
 * PostgreSQL has rolled the transaction back with it; the revision's own error is what to report.
 */
async function rollbackQuietly(db: QueryRunner): Promise<void> {
  try {
    await db.query('ROLLBACK');
  } catch {
    // see above: nothing of the revision can remain once the session has ended
  }
}

export function revisionFailure(info: RevisionInfo, direction: Direction, error: unknown): MigratorError {
  const failed = error as {
    message?: string;
    query?: string;
    driverError?: { code?: string; message?: string; detail?: string };
  };
  if (failed.driverError?.code === LEASE_LOST_SQLSTATE) return leaseLostFailure(info, error);
  if (error instanceof MigratorError && error.code === 'POOLER_SESSION_STATE') return error;
  const reason = failed.driverError?.message ?? failed.message ?? String(error);
  const statement = typeof failed.query === 'string' ? failed.query : undefined;
  const what = info.transactional
    ? 'was rolled back whole; nothing of it remains'
    : 'is not transactional: statements before the failing one stay applied';
  const shown = statement ? ` Statement: ${statement.replace(/\s+/g, ' ').slice(0, 300)}` : '';
  const facts = {
    revision: info.id,
    file: info.file,
    direction,
    statement,
    postgresCode: failed.driverError?.code,
    postgresMessage: reason,
  };
  if (isConnectionLost(failed))
    return new MigratorError(
      'DATABASE_CONNECTION_LOST',
      `The database connection was lost while revision ${info.id} (${info.file}) was ${direction === 'up' ? 'upgrading' : 'downgrading'} (${reason}); ${info.transactional ? 'its transaction ended with the session, so nothing of it remains' : 'it is not transactional: statements before the lost one stay applied'}, and the migration lock was freed. Find out why the session ended (a restart, pg_terminate_backend, a network drop), then run the command again.`,
      facts,
      error,
    );
  if (failed.driverError?.code === DATA_GUARD_SQLSTATE)
    return dataGuardStop(info, direction, reason, facts, error);
  return new MigratorError(
    'MIGRATION_FAILED',
    `Revision ${info.id} (${info.file}) failed ${direction === 'up' ? 'upgrading' : 'downgrading'} and ${what}: ${reason}.${shown} Fix the revision, then run the command again.`,
    { ...facts, detail: failed.driverError?.detail },
    error,
  );
}

/**
 * The session itself ended (terminated by an administrator, the server shut down or crashed, the
 * socket closed): not something the revision's SQL did.
 */
function isConnectionLost(failed: {
  message?: string;
  name?: string;
  driverError?: { code?: string; message?: string };
}): boolean {
  const code = failed.driverError?.code ?? '';
  if (/^57P0[123]$/.test(code) || code === 'ECONNRESET' || code === 'EPIPE') return true;
  if (failed.name === 'QueryRunnerAlreadyReleasedError') return true;
  const message = `${failed.driverError?.message ?? ''} ${failed.message ?? ''}`;
  return /Connection terminated|connection is closed|Client was closed|Query runner already released/i.test(
    message,
  );
}
