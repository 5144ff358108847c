/**
 * Where a folder's manifest lives on disk. Each revision has its own entry file,
 * `manifest/<revision file name without extension>.json`, so two branches that each add a
 * revision add two different files and git merges them without a conflict; a revision changed on
 * both sides still conflicts in its own entry, and a file edited without `rehash` still disagrees
 * with its entry. Folders written before this layout keep a single `manifest.json`; it is still
 * read, new entries go to `manifest/`, and `rehash` moves everything there.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigratorError } from '../errors';
import { readToEnd, type SlicedReading, startsSlice } from './sliced-reading';

/** The folder of per-revision entries, inside a migrations folder. */
export const MANIFEST_DIR = 'manifest';
/** The single-file manifest of folders written before per-revision entries. */
export const LEGACY_MANIFEST_FILE = 'manifest.json';

export interface ManifestEntry {
  id: string;
  file: string;
  parents: string[];
  dependsOn: string[];
  message: string;
  transactional: boolean;
  checksum: string;
}

/** An entry as read, with the manifest file it came from (for messages that name it). */
export interface StoredManifestEntry {
  entry: ManifestEntry;
  source: string;
}

const ENTRY_FIELDS = ['id', 'file', 'checksum'] as const;

function invalid(path: string, what: string): MigratorError {
  return new MigratorError(
    'MANIFEST_INVALID',
    `${path} ${what}: resolve the merge conflict or run \`dazzle db rehash\` to rebuild the manifest from the revision files.`,
    { file: path },
  );
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw invalid(path, `is not valid JSON (${(error as Error).message})`);
  }
}

function asEntry(value: unknown, path: string): ManifestEntry {
  const record = value as Partial<ManifestEntry> | null;
  if (!record || typeof record !== 'object' || ENTRY_FIELDS.some((f) => typeof record[f] !== 'string'))
    throw invalid(path, 'has an entry without "id", "file" and "checksum"');
  return {
    id: record.id!,
    file: record.file!,
    parents: [...(record.parents ?? [])],
    dependsOn: [...(record.dependsOn ?? [])],
    message: record.message ?? '',
    transactional: record.transactional !== false,
    checksum: record.checksum!,
  };
}

/**
 * `join(dir, name)` for the many plain names (no separator, not `.` or `..`) readdir gives in one
 * folder: the folder is normalised once, not once per file, which is most of the cost of a join.
 *
 * @example
 * const inFolder = pathsIn(dir); inFolder('20240101000000_init.ts') === join(dir, '20240101000000_init.ts');
 */
export function pathsIn(dir: string): (name: string) => string {
  const prefix = join(dir, 'x').slice(0, -1);
  return (name) => prefix + name;
}

/** The entry file of a revision file: `manifest/<name without extension>.json`. */
export function entryPathOf(dir: string, revisionFile: string): string {
  return join(dir, MANIFEST_DIR, `${revisionFile.replace(/\.[a-z]+$/, '')}.json`);
}

/**
 * Every stored entry of a folder, old layout and new, in no particular order.
 *
 * @throws MigratorError MANIFEST_INVALID naming the file that cannot be read.
 */
export function readStoredEntries(dir: string): StoredManifestEntry[] {
  return readToEnd(readingStoredEntries(dir));
}

/** `readStoredEntries` as a reading that pauses between slices of entry files (see sliced-reading). */
export function* readingStoredEntries(dir: string): SlicedReading<StoredManifestEntry[]> {
  const stored: StoredManifestEntry[] = [];
  const legacy = join(dir, LEGACY_MANIFEST_FILE);
  if (existsSync(legacy)) {
    const parsed = parseJson(legacy) as { revisions?: unknown };
    if (!Array.isArray(parsed?.revisions)) throw invalid(legacy, 'has no "revisions" list');
    for (const value of parsed.revisions) stored.push({ entry: asEntry(value, legacy), source: legacy });
  }
  const entries = join(dir, MANIFEST_DIR);
  if (existsSync(entries)) {
    const entryPath = pathsIn(entries);
    const names = readdirSync(entries)
      .filter((n) => n.endsWith('.json'))
      .sort();
    for (let index = 0; index < names.length; index += 1) {
      if (startsSlice(index)) yield;
      const name = names[index]!;
      const path = entryPath(name);
      stored.push({ entry: asEntry(parseJson(path), path), source: path });
    }
  }
  return stored;
}

/** Like `readStoredEntries`, but skips what cannot be read: `rehash` rebuilds from the files anyway. */
export function readStoredEntriesLeniently(dir: string): ManifestEntry[] {
  try {
    return readStoredEntries(dir).map((s) => s.entry);
  } catch {
    return [];
  }
}

function serialise(entry: ManifestEntry): string {
  const { id, file, parents, dependsOn, message, transactional, checksum } = entry;
  return `${JSON.stringify({ id, file, parents, dependsOn, message, transactional, checksum }, null, 2)}\n`;
}

/** Adds (or replaces) one revision's entry, leaving every other entry file untouched. */
export function writeManifestEntry(dir: string, entry: ManifestEntry): void {
  mkdirSync(join(dir, MANIFEST_DIR), { recursive: true });
  writeFileSync(entryPathOf(dir, entry.file), serialise(entry));
}

/**
 * Replaces the whole manifest with these entries in the per-revision layout: the old single file
 * and entries of revisions no longer listed are removed.
 */
export function replaceManifestEntries(dir: string, entries: readonly ManifestEntry[]): void {
  rmSync(join(dir, LEGACY_MANIFEST_FILE), { force: true });
  const folder = join(dir, MANIFEST_DIR);
  const keep = new Set(entries.map((e) => entryPathOf(dir, e.file)));
  if (existsSync(folder)) {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (!keep.has(path)) rmSync(path, { force: true, recursive: true });
    }
  }
  for (const entry of entries) writeManifestEntry(dir, entry);
}
