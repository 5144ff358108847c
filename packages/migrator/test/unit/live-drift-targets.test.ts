import { describe, expect, it } from 'vitest';
import { outermostRevisions } from '../../src/catalog/live-drift';
import { RevisionGraph } from '../../src/graph/revision-graph';
import { appliedAfterStamp, planStamp } from '../../src/run/stamp';
import { A1, A2, A3, F1, F2, twoLineages } from './revision-fixtures';

const graph = () => new RevisionGraph(twoLineages());

describe('outermostRevisions', () => {
  it('keeps only the applied revisions no other applied revision needs', () => {
    expect(outermostRevisions(graph(), new Set([F1, F2, A1, A2]))).toEqual([A2]);
    expect([...outermostRevisions(graph(), new Set([F1, F2, A1]))].sort()).toEqual([F2, A1].sort());
    expect(outermostRevisions(graph(), new Set())).toEqual([]);
  });
});

describe('planStamp and appliedAfterStamp', () => {
  it('gives the ledger a stamp would leave, without writing it', () => {
    const applied = new Set([F1, A1]);
    const plan = planStamp(graph(), applied, 'heads');
    expect(plan).toEqual({ added: [F2, A2, A3], removed: [] });
    expect([...appliedAfterStamp(applied, plan)].sort()).toEqual([F1, F2, A1, A2, A3].sort());
    const base = planStamp(graph(), new Set([F1, F2, A1]), 'app@base');
    expect(base).toEqual({ added: [], removed: [A1] });
    expect([...appliedAfterStamp(new Set([F1, F2, A1]), base)].sort()).toEqual([F1, F2].sort());
  });
});
