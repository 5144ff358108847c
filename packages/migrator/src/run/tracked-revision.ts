/**
 * Runs a non-transactional revision with its progress recorded statement by statement (see
 * ledger/revision-progress.ts), so a failure or a killed runner leaves a record of which statement
 * was reached, and the next run refuses until the user resolves it.
 */
import type { QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';
import { APPLIED_BY } from '../ledger/ledger';
import {
  clearRevisionProgressSql,
  markRevisionFailed,
  recordStatementReached,
  startRevisionProgress,
} from '../ledger/revision-progress';
import type { RevisionInfo, RevisionModule } from '../revision/revision';
import {
  type Direction,
  type ExecuteRevisionOptions,
  executeRevision,
  type RevisionOutcome,
} from './execute-revision';

export async function executeTrackedRevision(
  db: QueryRunner,
  info: RevisionInfo,
  module: RevisionModule,
  direction: Direction,
  options: ExecuteRevisionOptions = {},
): Promise<RevisionOutcome> {
  await startRevisionProgress(db, info.id, direction, APPLIED_BY);
  try {
    return await executeRevision(db, info, module, direction, {
      ...options,
      moduleRunner: recordingEachStatement(db, info.id),
      ledgerSuffixSql: clearRevisionProgressSql(info.id),
    });
  } catch (error) {
    // A lost session cannot write; its row stays `running`, which the next run reads the same way.
    if (!(error instanceof MigratorError && error.code === 'DATABASE_CONNECTION_LOST'))
      await markRevisionFailed(
        db,
        info.id,
        error instanceof MigratorError
          ? String(error.details.postgresMessage ?? error.message)
          : String(error),
      ).catch(() => undefined);
    throw error;
  }
}

/**
 * The runner the revision's code receives: every query, including those TypeORM's helper methods
 * issue internally, is recorded as reached (and autocommitted) before it is sent.
 */
function recordingEachStatement(db: QueryRunner, id: string): QueryRunner {
  let done = 0;
  const query = async (...args: Parameters<QueryRunner['query']>) => {
    await recordStatementReached(db, id, done, args[0]);
    const result = await db.query(...args);
    done += 1;
    return result;
  };
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'query') return query;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(receiver) : value;
    },
  });
}
