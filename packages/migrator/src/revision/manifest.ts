/**
 * The integrity manifest committed with each migrations folder: every revision's id, file, parents
 * and checksum. Reading a folder checks files against it before anything runs, so an edited file
 * or a revision that arrived without its manifest entry (two branches that both added one) is
 * caught by name.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { MigratorError } from '../errors';
import { checksumOf } from './checksum';
import { HAND_FILL_MARKER } from './hand-fill-marker';
import {
  LEGACY_MANIFEST_FILE,
  MANIFEST_DIR,
  type ManifestEntry,
  pathsIn,
  readingStoredEntries,
  readStoredEntries,
  replaceManifestEntries,
} from './manifest-entries';
import type { Lineage, RevisionInfo } from './revision';
import { readToEnd, type SlicedReading, startsSlice } from './sliced-reading';

/** The single-file manifest of older folders; new entries live in `manifest/` (see manifest-entries). */
export const MANIFEST_FILE = LEGACY_MANIFEST_FILE;
const REVISION_FILE = /^[0-9]{14}_[a-z0-9_]+\.(ts|js|cjs|mjs|cts|mts)$/;

export type { ManifestEntry };

export interface Manifest {
  lineage: Lineage;
  revisions: ManifestEntry[];
}

export function isRevisionFileName(name: string): boolean {
  return REVISION_FILE.test(name); // the slug has no dots, so `x.d.ts` never matches
}

/** Every entry of a folder's manifest, whichever layout holds it. */
export function readManifest(dir: string, lineage: Lineage): Manifest {
  return { lineage, revisions: readStoredEntries(dir).map((s) => s.entry) };
}

/** Rewrites a folder's whole manifest, one entry file per revision (the old single file is removed). */
export function writeManifest(dir: string, manifest: Manifest): void {
  replaceManifestEntries(dir, manifest.revisions);
}

/** Line numbers (1-based) that still carry the hand-fill marker. */
export function handFillLinesOf(content: string): number[] {
  // Reading a folder asks this of every file; most have no marker, and then there is nothing to split.
  if (!content.includes(HAND_FILL_MARKER)) return [];
  return content.split('\n').flatMap((line, index) => (line.includes(HAND_FILL_MARKER) ? [index + 1] : []));
}

/** Revision file names present in a folder (not the manifest, not declaration files). */
export function listRevisionFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter(isRevisionFileName).sort();
}

/**
 * Reads a migrations folder and checks it against its manifest.
 *
 * @throws MigratorError MANIFEST_MISMATCH naming every file that disagrees.
 */
export function readRevisionFolder(dir: string, lineage: Lineage): RevisionInfo[] {
  return readToEnd(readingRevisionFolder(dir, lineage));
}

/** `readRevisionFolder` as a reading that pauses between slices of files (see sliced-reading). */
export function* readingRevisionFolder(dir: string, lineage: Lineage): SlicedReading<RevisionInfo[]> {
  const stored = yield* readingStoredEntries(dir);
  const files = new Set(listRevisionFiles(dir));
  const problems: string[] = [];
  const infos: RevisionInfo[] = [];
  const listed = new Set<string>();
  const inFolder = pathsIn(dir);
  for (let index = 0; index < stored.length; index += 1) {
    if (startsSlice(index)) yield;
    const { entry } = stored[index]!;
    if (listed.has(entry.file)) {
      problems.push(`${entry.file} is listed twice in the manifest`);
      continue;
    }
    listed.add(entry.file);
    if (!files.has(entry.file)) {
      problems.push(`${entry.file} is listed in the manifest but missing`);
      continue;
    }
    files.delete(entry.file);
    // entry.file is one of the names readdir gave (checked just above): a plain name.
    const file = inFolder(entry.file);
    const content = readFileSync(file, 'utf8');
    const actual = checksumOf(content);
    if (actual !== entry.checksum) problems.push(`${entry.file} was edited after the manifest was written`);
    const info: RevisionInfo = Object.freeze({
      id: entry.id,
      lineage,
      parents: Object.freeze([...(entry.parents ?? [])]),
      dependsOn: Object.freeze([...(entry.dependsOn ?? [])]),
      message: entry.message,
      transactional: entry.transactional !== false,
      checksum: entry.checksum,
      file,
      handFillLines: Object.freeze(handFillLinesOf(content)),
      source: content,
    });
    infos.push(info);
  }
  for (const stray of files) problems.push(`${stray} is not in the manifest`);
  if (problems.length > 0) {
    throw new MigratorError(
      'MANIFEST_MISMATCH',
      `The manifest of ${dir} (${MANIFEST_DIR}/) disagrees with the folder: ${problems.join('; ')}. If the change is intended (a filled-in hand-written step), run \`dazzle db rehash\`; otherwise restore the file from git.`,
      { dir, problems },
    );
  }
  return infos;
}
