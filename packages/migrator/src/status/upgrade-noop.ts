/**
 * Whether `upgrade` to a target has nothing to do, decided from the graph and the ledger alone:
 * the database is in step (or only behind) and the plan to the target is empty. `Migrator.upgrade`
 * asks this before taking the lock, and the CLI asks it before loading TypeORM at all, so a no-op
 * costs one query either way and both give the same answer.
 */
import { planUpgrade } from '../graph/plan';
import type { RevisionGraph } from '../graph/revision-graph';
import type { LedgerRow } from '../ledger/ledger-rows';
import { assessSchema } from './schema-status';

/**
 * False when the ledger is missing (the bootstrap must run) or anything would run or be refused.
 * Throws what planning throws (a target that does not resolve, a branched lineage), as `upgrade` does.
 *
 * @example
 * if (isNoopUpgrade(graph, await readLedgerOverPg(url), 'heads')) console.log('Nothing to do');
 */
export function isNoopUpgrade(
  graph: RevisionGraph,
  ledger: readonly LedgerRow[] | undefined,
  target?: string,
): boolean {
  if (!ledger) return false;
  const status = assessSchema(graph, ledger);
  if (status.state !== 'in-step' && status.state !== 'pending') return false;
  return planUpgrade(graph, new Set(ledger.map((r) => r.id)), target).length === 0;
}
