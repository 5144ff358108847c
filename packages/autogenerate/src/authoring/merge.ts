/** `merge`: joins a lineage's heads with an empty revision whose parents are all of them. */
import { type Lineage, MigratorError, type RevisionGraph, type RevisionInfo } from '@app/migrator';
import type { RevisionFormat } from './render-revision';
import { writeRevision } from './write-revision';

export function writeMergeRevision(options: {
  graph: RevisionGraph;
  dir: string;
  lineage: Lineage;
  message: string;
  format?: RevisionFormat;
}): RevisionInfo {
  const heads = options.graph.heads(options.lineage);
  if (heads.length < 2) {
    throw new MigratorError(
      'NOTHING_TO_MERGE',
      `The ${options.lineage} lineage has ${heads.length} head${heads.length === 1 ? '' : 's'}: there is nothing to merge.`,
      { lineage: options.lineage, heads },
    );
  }
  return writeRevision({
    dir: options.dir,
    lineage: options.lineage,
    message: options.message,
    parents: heads,
    up: [],
    down: [],
    format: options.format,
    notes: [`Merges ${heads.join(' and ')}; it changes no schema.`],
  });
}
