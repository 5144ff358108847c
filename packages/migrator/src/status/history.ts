/**
 * Every revision in apply order with its ledger row when applied: what `dazzle db history` prints.
 * Pure, so the Migrator and the TypeORM-free read of `history` give one answer.
 */
import type { RevisionGraph } from '../graph/revision-graph';
import type { LedgerRow } from '../ledger/ledger-rows';
import type { HistoryEntry } from '../migrator-types';

/**
 * @example
 * historyOf(graph, ledger).filter((entry) => !entry.applied) // what is still to run
 */
export function historyOf(graph: RevisionGraph, ledger: readonly LedgerRow[]): HistoryEntry[] {
  const byId = new Map(ledger.map((r) => [r.id, r]));
  const heads = new Set([...graph.heads('framework'), ...graph.heads('app')]);
  return graph
    .all()
    .map((revision) => ({ revision, applied: byId.get(revision.id), isHead: heads.has(revision.id) }));
}
