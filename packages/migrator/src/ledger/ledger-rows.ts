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
 * The two text[] columns come as JSON arrays, which the driver reads with JSON.parse: the same
 * string[] its array-literal parser gives, for a fraction of a cold start's cost on a long ledger.
 */
export const SELECT_LEDGER_SQL = `SELECT "id", "lineage", array_to_json("parents") AS "parents", array_to_json("depends_on") AS "depends_on", "message", "checksum", "applied_at", "execution_ms", "applied_by", "method"
     FROM "${LEDGER_TABLE}" ORDER BY "applied_at", "id"`;

/** One row of SELECT_LEDGER_SQL as the driver returns it (arrays and timestamps already parsed). */
export function ledgerRowOf(r: Record<string, unknown>): LedgerRow {
  return {
    id: r.id as string,
    lineage: r.lineage as Lineage,
    parents: (r.parents as string[]) ?? [],
    dependsOn: (r.depends_on as string[]) ?? [],
    message: r.message as string,
    checksum: r.checksum as string,
    appliedAt: r.applied_at as Date,
    executionMs: r.execution_ms as number,
    appliedBy: r.applied_by as string,
    method: r.method as LedgerMethod,
  };
}
