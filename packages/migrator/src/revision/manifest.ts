/**
 * The integrity manifest committed with each migrations folder: every revision's id, file, parents
 * and checksum. Reading a folder checks files against it before anything runs, so an edited file
 * or a revision that arrived without its manifest entry (two branches that both added one) is
 * caught by name.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigratorError } from '../errors';
import { checksumOf } from './checksum';
import { HAND_FILL_MARKER } from './hand-fill-marker';
import type { Lineage, RevisionInfo } from './revision';

export const MANIFEST_FILE = 'manifest.json';
const REVISION_FILE = /^[0-9]{14}_[a-z0-9_]+\.(ts|js|cjs|mjs|cts|mts)$/;

export interface ManifestEntry {
  id: string;
  file: string;
  parents: string[];
  dependsOn: string[];
  message: string;
  transactional: boolean;
  checksum: string;
}

export interface Manifest {
  lineage: Lineage;
  revisions: ManifestEntry[];
}

export function isRevisionFileName(name: string): boolean {
  return REVISION_FILE.test(name); // the slug has no dots, so `x.d.ts` never matches
}

export function readManifest(dir: string, lineage: Lineage): Manifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return { lineage, revisions: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new MigratorError(
      'MANIFEST_INVALID',
      `${path} is not valid JSON (${(error as Error).message}): resolve the merge conflict or run \`dazzle db rehash\` to rebuild it.`,
      { file: path },
    );
  }
  const manifest = parsed as Partial<Manifest>;
  if (!Array.isArray(manifest.revisions)) {
    throw new MigratorError(
      'MANIFEST_INVALID',
      `${path} has no "revisions" list: run \`dazzle db rehash\` to rebuild it.`,
      { file: path },
    );
  }
  return { lineage, revisions: manifest.revisions };
}

export function writeManifest(dir: string, manifest: Manifest): void {
  const sorted = [...manifest.revisions].sort((a, b) => a.id.localeCompare(b.id));
  writeFileSync(
    join(dir, MANIFEST_FILE),
    `${JSON.stringify({ lineage: manifest.lineage, revisions: sorted }, null, 2)}\n`,
  );
}

/** Line numbers (1-based) that still carry the hand-fill marker. */
export function handFillLinesOf(content: string): number[] {
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
  const manifest = readManifest(dir, lineage);
  const files = new Set(listRevisionFiles(dir));
  const problems: string[] = [];
  const infos: RevisionInfo[] = [];
  for (const entry of manifest.revisions) {
    if (!files.has(entry.file)) {
      problems.push(`${entry.file} is listed in the manifest but missing`);
      continue;
    }
    files.delete(entry.file);
    const file = join(dir, entry.file);
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
      `${join(dir, MANIFEST_FILE)} disagrees with the folder: ${problems.join('; ')}. If the change is intended, run \`dazzle db rehash\`; if two branches each added a revision, rehash and then \`dazzle db merge\`.`,
      { dir, problems },
    );
  }
  return infos;
}
