/**
 * What a revision's data guard means when it fires. Generated revisions put a guard before a
 * statement that could change stored values silently (a narrowing cast, an enum losing a value);
 * the guard raises SQLSTATE DZ001 naming table, column and count. Here that becomes a typed
 * error saying the revision stopped before changing anything, and what to do about the rows.
 */
import { MigratorError } from '../errors';
import type { RevisionInfo } from '../revision/revision';

/** The SQLSTATE a generated data guard raises (class DZ is not used by PostgreSQL). */
export const DATA_GUARD_SQLSTATE = 'DZ001';

export function dataGuardStop(
  info: RevisionInfo,
  direction: 'up' | 'down',
  reason: string,
  facts: Record<string, unknown>,
  error: unknown,
): MigratorError {
  const failed = error as { driverError?: { table?: string; column?: string; detail?: string } };
  const rows = Number(failed.driverError?.detail ?? Number.NaN);
  return new MigratorError(
    'DATA_WOULD_BE_LOST',
    `Revision ${info.id} (${info.file}) stopped ${direction === 'up' ? 'upgrading' : 'downgrading'} before changing any data: ${reason}. Update or delete those rows (or edit the revision's USING expression to say how they convert), then run the command again.`,
    {
      ...facts,
      table: failed.driverError?.table,
      column: failed.driverError?.column,
      rows: Number.isFinite(rows) ? rows : undefined,
    },
    error,
  );
}
