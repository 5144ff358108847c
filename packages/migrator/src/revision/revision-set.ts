/** Where revisions come from: one folder per lineage, each with its manifest. */

import { MigratorError } from '../errors';
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

/** Manifest errors are a state of the folder that `status()` reports, not a reason to refuse to connect. */
const FOLDER_STATE_CODES: ReadonlySet<string> = new Set(['MANIFEST_MISMATCH', 'MANIFEST_INVALID']);

/** The graph, or the folder's manifest error to report as a state; other errors are thrown. */
export function readRevisionGraphOrFolderError(
  sources: readonly MigrationSource[],
): RevisionGraph | MigratorError {
  try {
    return readRevisionGraph(sources);
  } catch (error) {
    if (error instanceof MigratorError && FOLDER_STATE_CODES.has(error.code)) return error;
    throw error;
  }
}
