/** Where revisions come from: one folder per lineage, each with its manifest. */

import { RevisionGraph } from '../graph/revision-graph';
import { readRevisionFolder } from './manifest';
import type { Lineage, RevisionInfo } from './revision';

export interface MigrationSource {
  readonly lineage: Lineage;
  /** Absolute path of the folder holding revision files and manifest.json. */
  readonly dir: string;
}

/** Reads and checks every source, then builds one graph from them. */
export function readRevisionGraph(sources: readonly MigrationSource[]): RevisionGraph {
  const revisions: RevisionInfo[] = sources.flatMap((source) =>
    readRevisionFolder(source.dir, source.lineage),
  );
  return new RevisionGraph(revisions);
}
