/**
 * `stamp`: make the ledger say a lineage is at a target without running anything, for adopting a
 * database whose schema was built another way. All ledger changes commit in one transaction.
 */
import type { QueryRunner } from 'typeorm';
import { resolveRevision, singleHead } from '../graph/plan';
import type { RevisionGraph } from '../graph/revision-graph';
import { deleteLedgerRow, insertLedgerRow } from '../ledger/ledger';
import { LINEAGES, type Lineage } from '../revision/revision';
import { inTransaction } from './transaction';

const SCOPED = /^(framework|app)@(head|base)$/;

export interface StampPlan {
  /** Revisions to record as applied, in apply order. */
  added: string[];
  /** Ledger rows to remove, sorted. */
  removed: string[];
}

/** What stamping `target` changes in a ledger holding `applied`; pure, so it can be verified first. */
export function planStamp(graph: RevisionGraph, applied: ReadonlySet<string>, target: string): StampPlan {
  let lineages: readonly Lineage[];
  let goals: string[];
  const scoped = SCOPED.exec(target);
  if (target === 'heads' || target === 'head') {
    lineages = LINEAGES;
    goals = LINEAGES.flatMap((l) => singleHead(graph, l) ?? []);
  } else if (target === 'base') {
    lineages = LINEAGES;
    goals = [];
  } else if (scoped) {
    lineages = [scoped[1] as Lineage];
    goals = scoped[2] === 'head' ? [singleHead(graph, scoped[1] as Lineage)].flatMap((h) => h ?? []) : [];
  } else {
    const id = resolveRevision(graph, target);
    lineages = [graph.get(id)!.lineage];
    goals = [id];
  }

  const keep = graph.ancestors(goals);
  const added = graph.order([...keep].filter((id) => !applied.has(id)));
  const removed = [...applied].filter((id) => {
    const info = graph.get(id);
    return info !== undefined && lineages.includes(info.lineage) && !keep.has(id);
  });
  return { added, removed: removed.sort() };
}

/** The revisions a ledger holds once a stamp plan is written. */
export function appliedAfterStamp(applied: ReadonlySet<string>, plan: StampPlan): Set<string> {
  const after = new Set([...applied].filter((id) => !plan.removed.includes(id)));
  for (const id of plan.added) after.add(id);
  return after;
}

export async function stampRevisions(
  db: QueryRunner,
  graph: RevisionGraph,
  applied: ReadonlySet<string>,
  target: string,
): Promise<StampPlan> {
  const { added, removed } = planStamp(graph, applied, target);
  await inTransaction(db, async () => {
    for (const id of removed) await deleteLedgerRow(db, id);
    for (const id of added) await insertLedgerRow(db, graph.get(id)!, 0, 'stamp');
  });
  return { added, removed: removed.sort() };
}
