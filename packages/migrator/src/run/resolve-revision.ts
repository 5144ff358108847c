/**
 * `dazzle db resolve <id> --applied|--rolled-back`: the user's decision about a non-transactional
 * revision that stopped partway, recorded in the ledger (as Prisma's `migrate resolve` does).
 * Nothing of the revision is run. `--applied` records it as done in the direction it was going;
 * `--rolled-back` records that its effects were undone, so it runs again. Either way an INVALID
 * index the revision left must be dropped first: an upgrade would otherwise trip over it, or keep
 * an index that serves no query.
 */
import type { QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';
import { resolveRevision } from '../graph/plan';
import type { RevisionGraph } from '../graph/revision-graph';
import { deleteLedgerRowSql, insertLedgerRowSql, ledgerRowParameters } from '../ledger/ledger';
import { clearRevisionProgressSql, readRevisionProgress } from '../ledger/revision-progress';
import { inlineParameters } from '../sql/quote';
import { findInvalidIndexes, incompleteRevisionError, leftoversOf } from './incomplete-revision';

export type ResolveDecision = 'applied' | 'rolled-back';

export interface ResolveResult {
  readonly revision: string;
  readonly decision: ResolveDecision;
  readonly direction: 'up' | 'down';
  /** Whether the revision is recorded as applied in the ledger afterwards. */
  readonly appliedNow: boolean;
}

export async function resolveIncompleteRevision(
  db: QueryRunner,
  graph: RevisionGraph,
  ref: string,
  decision: ResolveDecision,
): Promise<ResolveResult> {
  const progress = await readRevisionProgress(db);
  const known = progress.find((p) => p.id === ref) ?? progress.find((p) => p.id === safeResolve(graph, ref));
  if (!known)
    throw new MigratorError(
      'REVISION_NOT_INCOMPLETE',
      `Revision ${ref} has no failed or interrupted run to resolve${progress.length > 0 ? ` (the one recorded is ${progress.map((p) => p.id).join(', ')})` : ''}: \`dazzle db resolve\` is for a non-transactional revision that stopped partway (REVISION_INCOMPLETE). Run \`dazzle db upgrade\` or \`dazzle db history\` to see where the database is.`,
      { revision: ref, recorded: progress.map((p) => p.id) },
    );
  const info = graph.get(known.id);
  const leftovers = leftoversOf(info, await findInvalidIndexes(db));
  if (leftovers.length > 0) throw incompleteRevisionError(known, info, leftovers);
  const upApplied = known.direction === 'up' ? decision === 'applied' : decision === 'rolled-back';
  const ledger: string[] = [];
  if (decision === 'applied' && known.direction === 'up') {
    if (!info)
      throw new MigratorError(
        'UNKNOWN_TARGET',
        `Revision ${known.id} is not in the migrations folders, so it cannot be recorded as applied: restore its file, or resolve it with --rolled-back.`,
        { revision: known.id },
      );
    ledger.push(inlineParameters(insertLedgerRowSql(), ledgerRowParameters(info, 0, 'resolve')));
  }
  if (decision === 'applied' && known.direction === 'down')
    ledger.push(inlineParameters(deleteLedgerRowSql(), [known.id]));
  await db.query(['BEGIN', ...ledger, clearRevisionProgressSql(known.id), 'COMMIT'].join(';\n'));
  return Object.freeze({ revision: known.id, decision, direction: known.direction, appliedNow: upApplied });
}

function safeResolve(graph: RevisionGraph, ref: string): string | undefined {
  try {
    return resolveRevision(graph, ref);
  } catch {
    return undefined;
  }
}
