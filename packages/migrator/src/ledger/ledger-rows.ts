/**
 * What a ledger row is and the one query that reads them. Both the TypeORM session (`upgrade`,
 * `downgrade`) and the plain pg client (`current`, `history`, the no-op `upgrade` check) read the
 * ledger through this query and this mapping, so every verb sees the same rows. No TypeORM here.
 */
import { hostname } from 'node:os';
import { LEDGER_TABLE } from '@app/entities-framework/base';
import type { Lineage } from '../revision/revision';

export type LedgerMethod = 'run' | 'stamp' | 'create-all' | 'resolve';

export interface LedgerRow {
  id: string;
  lineage: Lineage;
  parents: string[];
  dependsOn: string[];
  message: string;
  checksum: string;
  appliedAt: Date;
  executionMs: number;
  appliedBy: string;
  method: LedgerMethod;
}

/** Who is applying: shown in the ledger and to anyone waiting for the lock. */
export const APPLIED_BY = `${hostname()}:${process.pid}`;

/** PostgreSQL's "undefined_table": the ledger does not exist before the first bootstrap. */
export const UNDEFINED_TABLE = '42P01';

/**
 * The whole ledger as one JSON value (a single row, a single column), in apply order. The driver
 * reads it with one JSON.parse instead of parsing ten fields of every row one by one (array
 * literals and timestamps in JavaScript): on a ledger of a thousand revisions that is most of a
 * cold start's ledger read. `ledgerRowsOf` turns the value into the rows.
 */
export const SELECT_LEDGER_SQL = `SELECT coalesce(json_agg(l ORDER BY l."applied_at", l."id"), '[]') AS "rows" FROM (
  SELECT "id", "lineage", "parents", "depends_on", "message", "checksum", "applied_at", "execution_ms", "applied_by", "method"
    FROM "${LEDGER_TABLE}"
) l`;

/**
 * The rows of SELECT_LEDGER_SQL's result (its one row), as both readers give them.
 *
 * @example
 * const rows = ledgerRowsOf(await queryRunner.query(SELECT_LEDGER_SQL));
 */
export function ledgerRowsOf(result: ReadonlyArray<Record<string, unknown>>): LedgerRow[] {
  return ((result[0]?.rows ?? []) as Array<Record<string, unknown>>).map(ledgerRowOf);
}

/** One row of the ledger as JSON gives it: the timestamp, an ISO 8601 string there, becomes a Date (ms, as the driver's own parser truncates). */
function ledgerRowOf(r: Record<string, unknown>): LedgerRow {
  return {
    id: r.id as string,
    lineage: r.lineage as Lineage,
    parents: (r.parents as string[]) ?? [],
    dependsOn: (r.depends_on as string[]) ?? [],
    message: r.message as string,
    checksum: r.checksum as string,
    appliedAt: new Date(r.applied_at as string),
    executionMs: r.execution_ms as number,
    appliedBy: r.applied_by as string,
    method: r.method as LedgerMethod,
  };
}
