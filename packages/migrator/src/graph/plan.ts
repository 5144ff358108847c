/**
 * Turns a target (`heads`, `app@head`, `+2`, `framework@-1`, `app@base`, a revision id or prefix)
 * into the ordered list of revisions to run. Pure: it sees the graph and the set of applied ids.
 */
import { MigratorError } from '../errors';
import { LINEAGES, type Lineage } from '../revision/revision';
import type { RevisionGraph } from './revision-graph';

const LINEAGE_TARGET = /^(framework|app)@(head|base|[+-]\d+)$/;
const RELATIVE_TARGET = /^([+-])(\d+)$/;

/** Resolves an id or a unique prefix of one. */
export function resolveRevision(graph: RevisionGraph, ref: string): string {
  if (graph.get(ref)) return ref;
  const matches = graph.all().filter((r) => r.id.startsWith(ref));
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length > 1) {
    throw new MigratorError(
      'AMBIGUOUS_TARGET',
      `"${ref}" matches ${matches.length} revisions (${matches.map((m) => m.id).join(', ')}): give more of the id.`,
      { target: ref },
    );
  }
  throw new MigratorError(
    'UNKNOWN_TARGET',
    `"${ref}" is not a revision id or target: use heads, <lineage>@head, +N, -N, <lineage>@base or an id from \`dazzle db history\`.`,
    { target: ref },
  );
}

/** The single head of a lineage; refuses when the lineage has branched. */
export function singleHead(graph: RevisionGraph, lineage: Lineage): string | undefined {
  const heads = graph.heads(lineage);
  if (heads.length > 1) throw multipleHeadsError(lineage, heads);
  return heads[0];
}

/** Why a branched lineage is refused, and the merge that fixes it. */
export function multipleHeadsError(lineage: Lineage, heads: readonly string[]): MigratorError {
  return new MigratorError(
    'MULTIPLE_HEADS',
    `The ${lineage} lineage has ${heads.length} heads (${heads.join(', ')}): run \`dazzle db merge -m "merge heads"${lineage === 'framework' ? ' --lineage framework' : ''}\` and commit the merge revision.`,
    { lineage, heads },
  );
}

/**
 * Revisions to apply, in order, to reach `target` (default: every lineage's head).
 *
 * @example
 * planUpgrade(graph, applied, 'app@+1') // the next pending app revision and what it needs
 */
export function planUpgrade(graph: RevisionGraph, applied: ReadonlySet<string>, target = 'heads'): string[] {
  let lineages: readonly Lineage[] = LINEAGES;
  let limit: number | undefined;
  let explicit: string | undefined;

  const scoped = LINEAGE_TARGET.exec(target);
  const relative = RELATIVE_TARGET.exec(target);
  if (target === 'heads' || target === 'head') {
    // every lineage
  } else if (scoped) {
    lineages = [scoped[1] as Lineage];
    if (scoped[2] === 'base') return [];
    if (scoped[2] !== 'head') limit = parseStep(scoped[2]!, '+', target);
  } else if (relative) {
    limit = parseStep(target, '+', target);
  } else {
    explicit = resolveRevision(graph, target);
  }

  const goals = explicit ? [explicit] : lineages.flatMap((l) => singleHead(graph, l) ?? []);
  const pending = graph.order([...graph.ancestors(goals)].filter((id) => !applied.has(id)));
  return pending.slice(0, limit);
}

/**
 * Revisions to revert, in the order to revert them, to reach `target`.
 * Refuses to revert a revision that a revision staying applied still depends on.
 */
export function planDowngrade(graph: RevisionGraph, applied: ReadonlySet<string>, target: string): string[] {
  const scoped = LINEAGE_TARGET.exec(target);
  const relative = RELATIVE_TARGET.exec(target);
  let revert: Set<string>;

  if (target === 'base') {
    revert = new Set(applied);
  } else if (scoped || relative) {
    const lineage = (scoped?.[1] as Lineage | undefined) ?? 'app';
    const step = scoped ? scoped[2]! : target;
    const appliedInLineage = graph
      .order([...applied].filter((id) => graph.get(id)?.lineage === lineage))
      .reverse();
    if (step === 'base') revert = new Set(appliedInLineage);
    else if (step === 'head') revert = new Set();
    else revert = new Set(appliedInLineage.slice(0, parseStep(step, '-', target)));
  } else {
    const keep = resolveRevision(graph, target);
    const lineage = graph.get(keep)!.lineage;
    revert = new Set(
      [...graph.descendants([keep])].filter(
        (id) => id !== keep && applied.has(id) && graph.get(id)!.lineage === lineage,
      ),
    );
  }

  assertNothingStaysThatNeeds(graph, applied, revert);
  return graph.order(revert).reverse();
}

function assertNothingStaysThatNeeds(
  graph: RevisionGraph,
  applied: ReadonlySet<string>,
  revert: ReadonlySet<string>,
): void {
  for (const id of applied) {
    if (revert.has(id) || !graph.get(id)) continue;
    const needed = [...graph.ancestors([id])].filter((a) => revert.has(a));
    if (needed.length > 0) {
      const dependent = graph.get(id)!;
      throw new MigratorError(
        'DOWNGRADE_BLOCKED',
        `Cannot revert ${needed.join(', ')}: the applied ${dependent.lineage} revision ${id} depends on it. Downgrade the ${dependent.lineage} lineage below ${id} first.`,
        { blockedBy: id, revisions: needed },
      );
    }
  }
}

function parseStep(step: string, sign: '+' | '-', target: string): number {
  const match = RELATIVE_TARGET.exec(step);
  if (!match || match[1] !== sign || Number(match[2]) < 1) {
    throw new MigratorError(
      'UNKNOWN_TARGET',
      `"${target}" is not a valid ${sign === '+' ? 'upgrade' : 'downgrade'} step: use ${sign}1, ${sign}2, …`,
      { target },
    );
  }
  return Number(match[2]);
}
