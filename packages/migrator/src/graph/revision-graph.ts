/**
 * The revisions of both lineages as one graph: parents within a lineage, `dependsOn` across
 * lineages. Pure: built from manifest data, it validates the graph and answers walking questions
 * (heads, ancestors, descendants, a deterministic apply order) without touching a database.
 */
import { MigratorError } from '../errors';
import type { Lineage, RevisionInfo } from '../revision/revision';

export class RevisionGraph {
  readonly #byId: ReadonlyMap<string, RevisionInfo>;
  /** id → ids that list it as a parent or dependency. */
  readonly #dependents: ReadonlyMap<string, readonly string[]>;
  /** Every id in apply order: computed once (the graph never changes), also proving there is no cycle. */
  readonly #order: readonly string[];

  constructor(revisions: readonly RevisionInfo[]) {
    const byId = new Map<string, RevisionInfo>();
    for (const revision of revisions) {
      const existing = byId.get(revision.id);
      if (existing) {
        throw new MigratorError(
          'DUPLICATE_REVISION_ID',
          `Revision id ${revision.id} is used by both ${existing.file} and ${revision.file}: rename one file and its id, then run \`dazzle db rehash\`.`,
          { revision: revision.id, files: [existing.file, revision.file] },
        );
      }
      byId.set(revision.id, revision);
    }
    const dependents = new Map<string, string[]>();
    for (const revision of revisions) {
      for (const parent of revision.parents) {
        const target = byId.get(parent);
        if (!target || target.lineage !== revision.lineage) {
          throw new MigratorError(
            'UNKNOWN_PARENT',
            `Revision ${revision.id} (${revision.file}) names parent ${parent}, which is not a ${revision.lineage} revision: restore the missing file or fix the parent.`,
            { revision: revision.id, parent },
          );
        }
        pushTo(dependents, parent, revision.id);
      }
      for (const dependency of revision.dependsOn) {
        if (!byId.has(dependency)) {
          throw new MigratorError(
            'UNKNOWN_DEPENDENCY',
            `Revision ${revision.id} (${revision.file}) depends on ${dependency}, which no migrations folder contains: upgrade @app/entities-framework or fix dependsOn.`,
            { revision: revision.id, dependency },
          );
        }
        pushTo(dependents, dependency, revision.id);
      }
    }
    this.#byId = byId;
    this.#dependents = dependents;
    this.#order = this.order([...byId.keys()]); // throws on a cycle
  }

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): RevisionInfo | undefined {
    return this.#byId.get(id);
  }

  all(): RevisionInfo[] {
    return this.#order.map((id) => this.#byId.get(id)!);
  }

  lineageRevisions(lineage: Lineage): RevisionInfo[] {
    return this.all().filter((r) => r.lineage === lineage);
  }

  /** Revisions of the lineage that no other revision of it names as a parent. */
  heads(lineage: Lineage): string[] {
    const revisions = [...this.#byId.values()].filter((r) => r.lineage === lineage);
    const parents = new Set(revisions.flatMap((r) => r.parents));
    return revisions
      .filter((r) => !parents.has(r.id))
      .map((r) => r.id)
      .sort();
  }

  /** The ids and everything they need (parents and dependencies, transitively), ids included. */
  ancestors(ids: Iterable<string>): Set<string> {
    return this.#closure(ids, (id) => {
      const r = this.#byId.get(id)!;
      return [...r.parents, ...r.dependsOn];
    });
  }

  /** The ids and everything that needs them, ids included. */
  descendants(ids: Iterable<string>): Set<string> {
    return this.#closure(ids, (id) => this.#dependents.get(id) ?? []);
  }

  /** A deterministic topological order of the given ids: needs first, ties broken by id. */
  order(ids: Iterable<string>): string[] {
    const wanted = new Set(ids);
    const remaining = new Map<string, number>();
    for (const id of wanted) {
      const r = this.#byId.get(id)!;
      remaining.set(id, [...r.parents, ...r.dependsOn].filter((p) => wanted.has(p)).length);
    }
    const ready = [...remaining]
      .filter(([, n]) => n === 0)
      .map(([id]) => id)
      .sort();
    const ordered: string[] = [];
    while (ready.length > 0) {
      const id = ready.shift()!;
      ordered.push(id);
      const released: string[] = [];
      for (const child of this.#dependents.get(id) ?? []) {
        if (!remaining.has(child)) continue;
        const left = remaining.get(child)! - 1;
        remaining.set(child, left);
        if (left === 0) released.push(child);
      }
      if (released.length > 0) {
        ready.push(...released);
        ready.sort();
      }
    }
    if (ordered.length !== wanted.size) {
      const stuck = [...wanted].filter((id) => !ordered.includes(id));
      throw new MigratorError(
        'REVISION_CYCLE',
        `Revisions ${stuck.join(', ')} depend on each other in a cycle: fix their parents.`,
        {
          revisions: stuck,
        },
      );
    }
    return ordered;
  }

  #closure(ids: Iterable<string>, next: (id: string) => readonly string[]): Set<string> {
    const seen = new Set<string>();
    const stack = [...ids];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id) || !this.#byId.has(id)) continue;
      seen.add(id);
      stack.push(...next(id));
    }
    return seen;
  }
}

function pushTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
