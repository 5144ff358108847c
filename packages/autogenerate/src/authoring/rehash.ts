/**
 * `rehash`: rebuilds a folder's manifest from its files, after a person filled in a hand-written
 * step or resolved a merge. Headers are read from the modules themselves, so the manifest always
 * says what the files say; the manifest it replaces is only read to report what changed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checksumOf,
  type Lineage,
  listRevisionFiles,
  loadRevisionModule,
  type ManifestEntry,
  type RevisionInfo,
  readStoredEntriesLeniently,
  writeManifest,
} from '@app/migrator';
import { assertWritableMigrationsDir } from './write-revision';

export interface RehashResult {
  added: string[];
  updated: string[];
  removed: string[];
}

export async function rehashFolder(dir: string, lineage: Lineage): Promise<RehashResult> {
  assertWritableMigrationsDir(dir);
  // Whatever state the old manifest is in (conflict markers, missing, garbage), the files decide.
  const before = new Map(readStoredEntriesLeniently(dir).map((e) => [e.file, e]));
  const entries: ManifestEntry[] = [];
  const result: RehashResult = { added: [], updated: [], removed: [] };
  for (const name of listRevisionFiles(dir)) {
    const file = join(dir, name);
    const text = readFileSync(file, 'utf8');
    const checksum = checksumOf(text);
    const previous = before.get(name);
    before.delete(name);
    const info: RevisionInfo = {
      id: name,
      lineage,
      parents: [],
      dependsOn: [],
      message: '',
      transactional: true,
      checksum,
      file,
      // The header comes from the very text that was hashed, not from a second read of the file.
      source: text,
    };
    const { revision } = await loadRevisionModule(info);
    entries.push({
      id: revision.id,
      file: name,
      parents: [...revision.parents],
      dependsOn: [...(revision.dependsOn ?? [])],
      message: revision.message,
      transactional: revision.transactional !== false,
      checksum,
    });
    if (!previous) result.added.push(name);
    else if (previous.checksum !== checksum) result.updated.push(name);
  }
  result.removed.push(...before.keys());
  writeManifest(dir, { lineage, revisions: entries });
  return result;
}
