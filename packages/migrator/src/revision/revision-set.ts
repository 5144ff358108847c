/** Where revisions come from: one folder per lineage, each with its manifest. */

import { MigratorError } from '../errors';
import { RevisionGraph } from '../graph/revision-graph';
import { readingRevisionFolder } from './manifest';
import type { Lineage, RevisionInfo } from './revision';
import { readInSlices, readToEnd, type SlicedReading } from './sliced-reading';

export interface MigrationSource {
  readonly lineage: Lineage;
  /** Absolute path of the folder holding revision files and manifest.json. */
  readonly dir: string;
}

/** Reads and checks every source, then builds one graph from them. */
export function readRevisionGraph(sources: readonly MigrationSource[]): RevisionGraph {
  return readToEnd(readingRevisionGraph(sources));
}

function* readingRevisionGraph(sources: readonly MigrationSource[]): SlicedReading<RevisionGraph> {
  const revisions: RevisionInfo[] = [];
  for (const source of sources) revisions.push(...(yield* readingRevisionFolder(source.dir, source.lineage)));
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
    return folderStateOrThrow(error);
  }
}

/**
 * `readRevisionGraphOrFolderError`, read in slices with the event loop turning between them, so
 * I/O started before it (the ledger read) goes on while the folders are read. Same graph, same
 * checks, same errors.
 *
 * @example
 * const ledger = readLedgerOverPg(url); // connecting while the folders are read
 * const graph = await readRevisionGraphOrFolderErrorInSlices(settings.sources);
 */
export async function readRevisionGraphOrFolderErrorInSlices(
  sources: readonly MigrationSource[],
): Promise<RevisionGraph | MigratorError> {
  try {
    return await readInSlices(readingRevisionGraph(sources));
  } catch (error) {
    return folderStateOrThrow(error);
  }
}

function folderStateOrThrow(error: unknown): MigratorError {
  if (error instanceof MigratorError && FOLDER_STATE_CODES.has(error.code)) return error;
  throw error;
}
