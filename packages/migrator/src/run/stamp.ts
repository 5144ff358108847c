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

export async function stampRevisions(
  db: QueryRunner,
  graph: RevisionGraph,
  applied: ReadonlySet<string>,
  target: string,
): Promise<{ added: string[]; removed: string[] }> {
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

  await inTransaction(db, async () => {
    for (const id of removed) await deleteLedgerRow(db, id);
    for (const id of added) await insertLedgerRow(db, graph.get(id)!, 0, 'stamp');
  });
  return { added, removed: removed.sort() };
}
