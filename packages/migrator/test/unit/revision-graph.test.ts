import { describe, expect, it } from 'vitest';
import { RevisionGraph } from '../../src/graph/revision-graph';
import { A1, A2, A3, F1, F2, migratorErrorOf, revision, twoLineages } from './revision-fixtures';

describe('RevisionGraph', () => {
  describe('construction', () => {
    it('holds every revision of both lineages, found by id', () => {
      const graph = new RevisionGraph(twoLineages());
      expect(graph.size).toBe(5);
      expect(graph.get(A2)).toMatchObject({ id: A2, lineage: 'app', parents: [A1], dependsOn: [F2] });
      expect(graph.get('20990101000000_missing')).toBeUndefined();
    });

    it('accepts an empty folder', () => {
      const graph = new RevisionGraph([]);
      expect(graph.size).toBe(0);
      expect(graph.all()).toEqual([]);
      expect(graph.heads('app')).toEqual([]);
    });

    it('refuses two revisions with the same id, naming both files', () => {
      const first = revision(A1, 'app');
      const second = { ...revision(A1, 'app'), file: '/project/migrations/app/copy.ts' };
      const error = migratorErrorOf(() => new RevisionGraph([first, second]));
      expect(error.code).toBe('DUPLICATE_REVISION_ID');
      expect(error.message).toBe(
        `Revision id ${A1} is used by both ${first.file} and ${second.file}: rename one file and its id, then run \`dazzle db rehash\`.`,
      );
      expect(error.details).toEqual({ revision: A1, files: [first.file, second.file] });
    });

    it('refuses a parent that no revision has', () => {
      const orphan = revision(A2, 'app', [A1]);
      const error = migratorErrorOf(() => new RevisionGraph([orphan]));
      expect(error.code).toBe('UNKNOWN_PARENT');
      expect(error.message).toBe(
        `Revision ${A2} (${orphan.file}) names parent ${A1}, which is not a app revision: restore the missing file or fix the parent.`,
      );
      expect(error.details).toEqual({ revision: A2, parent: A1 });
    });

    it('refuses a parent from the other lineage (lineages meet through dependsOn only)', () => {
      const error = migratorErrorOf(
        () => new RevisionGraph([revision(F1, 'framework'), revision(A1, 'app', [F1])]),
      );
      expect(error.code).toBe('UNKNOWN_PARENT');
      expect(error.details).toEqual({ revision: A1, parent: F1 });
    });

    it('refuses a dependency that no migrations folder contains', () => {
      const dependent = revision(A1, 'app', [], [F1]);
      const error = migratorErrorOf(() => new RevisionGraph([dependent]));
      expect(error.code).toBe('UNKNOWN_DEPENDENCY');
      expect(error.message).toBe(
        `Revision ${A1} (${dependent.file}) depends on ${F1}, which no migrations folder contains: upgrade @app/entities-framework or fix dependsOn.`,
      );
      expect(error.details).toEqual({ revision: A1, dependency: F1 });
    });

    it('accepts a dependency on a revision of either lineage', () => {
      const graph = new RevisionGraph([revision(A1, 'app'), revision(A2, 'app', [], [A1])]);
      expect(graph.order([A1, A2])).toEqual([A1, A2]);
    });

    it('refuses revisions whose parents form a cycle, naming only the revisions in it', () => {
      const error = migratorErrorOf(
        () =>
          new RevisionGraph([
            revision(F1, 'framework'),
            revision(A2, 'app', [A1]),
            revision(A1, 'app', [A2], [F1]),
          ]),
      );
      expect(error.code).toBe('REVISION_CYCLE');
      expect(error.message).toBe(
        `Revisions ${A2}, ${A1} depend on each other in a cycle: fix their parents.`,
      );
      expect(error.details).toEqual({ revisions: [A2, A1] });
    });

    it('refuses a cycle that runs through dependsOn across lineages', () => {
      const error = migratorErrorOf(
        () => new RevisionGraph([revision(F1, 'framework', [], [A1]), revision(A1, 'app', [], [F1])]),
      );
      expect(error.code).toBe('REVISION_CYCLE');
    });
  });

  describe('order', () => {
    it('puts what a revision needs first, even when its id sorts later', () => {
      const graph = new RevisionGraph(twoLineages());
      expect(graph.order([A1, A2, A3, F1, F2])).toEqual([F1, A1, F2, A2, A3]);
      expect(graph.all().map((r) => r.id)).toEqual([F1, A1, F2, A2, A3]);
    });

    it('orders a parent dated after its child before the child', () => {
      const child = '20230101000000_rebased_child';
      const parent = '20240101000000_parent';
      const graph = new RevisionGraph([revision(child, 'app', [parent]), revision(parent, 'app')]);
      expect(graph.order([child, parent])).toEqual([parent, child]);
    });

    it('breaks ties by id, also among revisions released later', () => {
      const graph = new RevisionGraph([
        revision('20240101000000_a', 'app'),
        revision('20240109000000_z', 'framework'),
        revision('20240102000000_b', 'app', ['20240101000000_a']),
        revision('20240102000000_c', 'app', ['20240101000000_a']),
      ]);
      expect(
        graph.order(['20240102000000_c', '20240109000000_z', '20240102000000_b', '20240101000000_a']),
      ).toEqual(['20240101000000_a', '20240102000000_b', '20240102000000_c', '20240109000000_z']);
    });

    it('waits for every parent of a merge revision', () => {
      const graph = new RevisionGraph([
        revision(A1, 'app'),
        revision(A2, 'app', [A1]),
        revision('20240101500000_branch', 'app', [A1]),
        revision(A3, 'app', [A2, '20240101500000_branch']),
      ]);
      expect(graph.order([A3, A2, '20240101500000_branch', A1])).toEqual([
        A1,
        '20240101500000_branch',
        A2,
        A3,
      ]);
    });

    it('orders only the ids asked for, ignoring needs outside them', () => {
      const graph = new RevisionGraph(twoLineages());
      expect(graph.order([A3, A2])).toEqual([A2, A3]);
      expect(graph.order([A2])).toEqual([A2]);
      expect(graph.order([])).toEqual([]);
    });
  });

  describe('walking', () => {
    it('lists a lineage in apply order', () => {
      const graph = new RevisionGraph(twoLineages());
      expect(graph.lineageRevisions('app').map((r) => r.id)).toEqual([A1, A2, A3]);
      expect(graph.lineageRevisions('framework').map((r) => r.id)).toEqual([F1, F2]);
    });

    it('finds the head of each lineage', () => {
      const graph = new RevisionGraph(twoLineages());
      expect(graph.heads('app')).toEqual([A3]);
      expect(graph.heads('framework')).toEqual([F2]);
    });

    it('finds every head of a branched lineage, sorted by id', () => {
      const graph = new RevisionGraph([
        revision(A1, 'app'),
        revision(A3, 'app', [A1]),
        revision(A2, 'app', [A1]),
      ]);
      expect(graph.heads('app')).toEqual([A2, A3]);
    });

    it('collects ancestors through parents and dependencies, the ids included', () => {
      const graph = new RevisionGraph(twoLineages());
      expect([...graph.ancestors([A2])].sort()).toEqual([A1, A2, F1, F2].sort());
      expect([...graph.ancestors([F1])]).toEqual([F1]);
      expect([...graph.ancestors([A1, F2])].sort()).toEqual([A1, F1, F2].sort());
    });

    it('collects descendants through parents and dependencies, the ids included', () => {
      const graph = new RevisionGraph(twoLineages());
      expect([...graph.descendants([F2])].sort()).toEqual([A2, A3, F2].sort());
      expect([...graph.descendants([F1])].sort()).toEqual([A1, A2, A3, F1, F2].sort());
      expect([...graph.descendants([A3])]).toEqual([A3]);
    });

    it('skips ids it does not know when walking', () => {
      const graph = new RevisionGraph(twoLineages());
      expect([...graph.ancestors(['20990101000000_gone'])]).toEqual([]);
      expect([...graph.descendants(['20990101000000_gone', A3])]).toEqual([A3]);
    });
  });
});
