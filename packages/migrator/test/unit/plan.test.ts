import { describe, expect, it } from 'vitest';
import { planDowngrade, planUpgrade, resolveRevision, singleHead } from '../../src/graph/plan';
import { RevisionGraph } from '../../src/graph/revision-graph';
import { A1, A2, A3, F1, F2, migratorErrorOf, revision, twoLineages } from './revision-fixtures';

/** Built inside each test, so mutation testing sees the graph code run per test. */
const graph = () => new RevisionGraph(twoLineages());
const nothing = new Set<string>();
const everything = new Set([F1, F2, A1, A2, A3]);

describe('resolveRevision', () => {
  it('takes a full id as it is, even when it prefixes another id', () => {
    const g = new RevisionGraph([revision('20240101000000_a', 'app'), revision('20240101000000_ab', 'app')]);
    expect(resolveRevision(g, '20240101000000_a')).toBe('20240101000000_a');
  });

  it('completes a unique prefix', () => {
    expect(resolveRevision(graph(), '20240102')).toBe(A2);
  });

  it('refuses a target that matches two revision ids, listing them', () => {
    const error = migratorErrorOf(() => resolveRevision(graph(), '202401'));
    expect(error.code).toBe('AMBIGUOUS_TARGET');
    expect(error.message).toBe(`"202401" matches 3 revisions (${A1}, ${A2}, ${A3}): give more of the id.`);
    expect(error.details).toEqual({ target: '202401' });
  });

  it('refuses a target that is no revision id', () => {
    const error = migratorErrorOf(() => resolveRevision(graph(), 'latest'));
    expect(error.code).toBe('UNKNOWN_TARGET');
    expect(error.message).toBe(
      '"latest" is not a revision id or target: use heads, <lineage>@head, +N, -N, <lineage>@base or an id from `dazzle db history`.',
    );
    expect(error.details).toEqual({ target: 'latest' });
  });
});

describe('singleHead', () => {
  it('gives the one head of a lineage, or nothing for an empty lineage', () => {
    expect(singleHead(graph(), 'app')).toBe(A3);
    expect(singleHead(new RevisionGraph([revision(A1, 'app')]), 'framework')).toBeUndefined();
  });

  it('refuses a branched app lineage and says how to merge it', () => {
    const branched = new RevisionGraph([...twoLineages(), revision('20240104000000_other', 'app', [A2])]);
    const error = migratorErrorOf(() => singleHead(branched, 'app'));
    expect(error.code).toBe('MULTIPLE_HEADS');
    expect(error.message).toBe(
      `The app lineage has 2 heads (${A3}, 20240104000000_other): run \`dazzle db merge -m "merge heads"\` and commit the merge revision.`,
    );
    expect(error.details).toEqual({ lineage: 'app', heads: [A3, '20240104000000_other'] });
  });

  it('names the framework lineage in the merge command for a branched framework', () => {
    const branched = new RevisionGraph([
      ...twoLineages(),
      revision('20250303000000_other', 'framework', [F1]),
    ]);
    const error = migratorErrorOf(() => singleHead(branched, 'framework'));
    expect(error.message).toContain('run `dazzle db merge -m "merge heads" --lineage framework` and commit');
  });
});

describe('planUpgrade', () => {
  it('plans every pending revision of both lineages by default, needs first', () => {
    expect(planUpgrade(graph(), nothing)).toEqual([F1, A1, F2, A2, A3]);
    expect(planUpgrade(graph(), nothing, 'heads')).toEqual([F1, A1, F2, A2, A3]);
    expect(planUpgrade(graph(), nothing, 'head')).toEqual([F1, A1, F2, A2, A3]);
  });

  it('skips what is applied', () => {
    expect(planUpgrade(graph(), new Set([F1, A1]))).toEqual([F2, A2, A3]);
    expect(planUpgrade(graph(), everything)).toEqual([]);
  });

  it('plans one lineage up to its head, with what it needs from the other', () => {
    expect(planUpgrade(graph(), nothing, 'framework@head')).toEqual([F1, F2]);
    expect(planUpgrade(graph(), new Set([F1]), 'app@head')).toEqual([A1, F2, A2, A3]);
  });

  it('plans nothing for <lineage>@base', () => {
    expect(planUpgrade(graph(), nothing, 'app@base')).toEqual([]);
    expect(planUpgrade(graph(), nothing, 'framework@base')).toEqual([]);
  });

  it('plans the next N pending revisions for +N', () => {
    expect(planUpgrade(graph(), nothing, '+2')).toEqual([F1, A1]);
    expect(planUpgrade(graph(), new Set([F1, A1]), '+1')).toEqual([F2]);
    expect(planUpgrade(graph(), nothing, '+9')).toEqual([F1, A1, F2, A2, A3]);
  });

  it('plans the next N pending revisions of one lineage for <lineage>@+N', () => {
    expect(planUpgrade(graph(), new Set([F1, F2]), 'app@+1')).toEqual([A1]);
    expect(planUpgrade(graph(), new Set([F1, F2]), 'app@+2')).toEqual([A1, A2]);
    expect(planUpgrade(graph(), nothing, 'framework@+1')).toEqual([F1]);
  });

  it('plans up to an explicit revision, given by id or unique prefix', () => {
    expect(planUpgrade(graph(), nothing, A2)).toEqual([F1, A1, F2, A2]);
    expect(planUpgrade(graph(), new Set([F1]), '20240101')).toEqual([A1]);
  });

  it('plans nothing for a lineage without revisions', () => {
    const appOnly = new RevisionGraph([revision(A1, 'app')]);
    expect(planUpgrade(appOnly, nothing, 'framework@head')).toEqual([]);
    expect(planUpgrade(appOnly, nothing)).toEqual([A1]);
  });

  it('refuses a branched lineage', () => {
    const branched = new RevisionGraph([...twoLineages(), revision('20240104000000_other', 'app', [A2])]);
    expect(migratorErrorOf(() => planUpgrade(branched, nothing)).code).toBe('MULTIPLE_HEADS');
  });

  it.each(['-1', 'app@-1', '+0', 'framework@+0'])('refuses %s as an upgrade step', (target) => {
    const error = migratorErrorOf(() => planUpgrade(graph(), nothing, target));
    expect(error.code).toBe('UNKNOWN_TARGET');
    expect(error.message).toBe(`"${target}" is not a valid upgrade step: use +1, +2, …`);
    expect(error.details).toEqual({ target });
  });

  it('reads steps of more than one digit', () => {
    expect(planUpgrade(graph(), nothing, '+10')).toEqual([F1, A1, F2, A2, A3]);
    expect(planUpgrade(graph(), nothing, 'app@+10')).toEqual([F1, A1, F2, A2, A3]);
  });

  it.each(['myapp@head', 'app@headx', 'xapp@+1', 'app@+1x', '+1x', 'x+1', 'app@', '@head'])(
    'refuses %s, which only resembles a target',
    (target) => {
      expect(migratorErrorOf(() => planUpgrade(graph(), nothing, target)).code).toBe('UNKNOWN_TARGET');
    },
  );

  it('refuses an ambiguous prefix and an unknown target', () => {
    expect(migratorErrorOf(() => planUpgrade(graph(), nothing, '202401')).code).toBe('AMBIGUOUS_TARGET');
    expect(migratorErrorOf(() => planUpgrade(graph(), nothing, 'app@latest')).code).toBe('UNKNOWN_TARGET');
    expect(migratorErrorOf(() => planUpgrade(graph(), nothing, 'base')).code).toBe('UNKNOWN_TARGET');
  });
});

describe('planDowngrade', () => {
  it('reverts everything, dependents first, for base', () => {
    expect(planDowngrade(graph(), everything, 'base')).toEqual([A3, A2, F2, A1, F1]);
  });

  it('reverts the last N app revisions for -N', () => {
    expect(planDowngrade(graph(), everything, '-1')).toEqual([A3]);
    expect(planDowngrade(graph(), everything, '-2')).toEqual([A3, A2]);
    expect(planDowngrade(graph(), new Set([F1, F2, A1, A2]), '-1')).toEqual([A2]);
  });

  it('reverts the last N revisions of the named lineage for <lineage>@-N', () => {
    expect(planDowngrade(graph(), everything, 'app@-2')).toEqual([A3, A2]);
    expect(planDowngrade(graph(), new Set([F1, F2, A1]), 'framework@-1')).toEqual([F2]);
  });

  it('reverts a whole lineage for <lineage>@base, and nothing for <lineage>@head', () => {
    expect(planDowngrade(graph(), everything, 'app@base')).toEqual([A3, A2, A1]);
    expect(planDowngrade(graph(), new Set([F1, F2]), 'framework@base')).toEqual([F2, F1]);
    expect(planDowngrade(graph(), everything, 'app@head')).toEqual([]);
  });

  it('reverts what came after an explicit revision in its lineage, keeping it', () => {
    expect(planDowngrade(graph(), everything, A1)).toEqual([A3, A2]);
    expect(planDowngrade(graph(), new Set([F1, F2, A1, A2]), '20240101')).toEqual([A2]);
    expect(planDowngrade(graph(), new Set([F1, F2]), F1)).toEqual([F2]);
    expect(planDowngrade(graph(), everything, A3)).toEqual([]);
  });

  it('refuses to revert a framework revision an applied app revision depends on', () => {
    const error = migratorErrorOf(() => planDowngrade(graph(), everything, 'framework@-1'));
    expect(error.code).toBe('DOWNGRADE_BLOCKED');
    expect(error.message).toBe(
      `Cannot revert ${F2}: the applied app revision ${A2} depends on it. Downgrade the app lineage below ${A2} first.`,
    );
    expect(error.details).toEqual({ blockedBy: A2, revisions: [F2] });
  });

  it('refuses to keep an explicit framework revision when app revisions need what comes after it', () => {
    const error = migratorErrorOf(() => planDowngrade(graph(), everything, F1));
    expect(error.code).toBe('DOWNGRADE_BLOCKED');
    expect(error.details).toEqual({ blockedBy: A2, revisions: [F2] });
  });

  it('names every revision a staying revision still needs', () => {
    const error = migratorErrorOf(() => planDowngrade(graph(), new Set([A2, F1, F2, A1]), 'framework@base'));
    const needed = error.details.revisions as string[];
    expect([...needed].sort()).toEqual([F1, F2]);
    expect(error.message).toBe(
      `Cannot revert ${needed.join(', ')}: the applied app revision ${A2} depends on it. Downgrade the app lineage below ${A2} first.`,
    );
  });

  it('refuses to revert the framework base while app revisions are applied', () => {
    const error = migratorErrorOf(() => planDowngrade(graph(), everything, 'framework@base'));
    expect(error.details).toEqual({ blockedBy: A1, revisions: [F1] });
  });

  it('ignores applied ids the graph no longer knows', () => {
    expect(planDowngrade(graph(), new Set([F1, '20200101000000_deleted', A1]), '-1')).toEqual([A1]);
  });

  it.each(['+1', 'app@+1', '-0', 'framework@-0'])('refuses %s as a downgrade step', (target) => {
    const error = migratorErrorOf(() => planDowngrade(graph(), everything, target));
    expect(error.code).toBe('UNKNOWN_TARGET');
    expect(error.message).toBe(`"${target}" is not a valid downgrade step: use -1, -2, …`);
  });

  it('reads steps of more than one digit', () => {
    expect(planDowngrade(graph(), everything, '-10')).toEqual([A3, A2, A1]);
    expect(planDowngrade(graph(), everything, 'app@-10')).toEqual([A3, A2, A1]);
  });

  it.each(['myapp@base', 'app@basex', '-1x', 'x-1'])(
    'refuses %s, which only resembles a target',
    (target) => {
      expect(migratorErrorOf(() => planDowngrade(graph(), everything, target)).code).toBe('UNKNOWN_TARGET');
    },
  );

  it('refuses an ambiguous or unknown revision', () => {
    expect(migratorErrorOf(() => planDowngrade(graph(), everything, '202401')).code).toBe('AMBIGUOUS_TARGET');
    expect(migratorErrorOf(() => planDowngrade(graph(), everything, 'heads')).code).toBe('UNKNOWN_TARGET');
  });
});
