import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksumOf } from '../../src/revision/checksum';
import {
  handFillLinesOf,
  isRevisionFileName,
  listRevisionFiles,
  MANIFEST_FILE,
  type ManifestEntry,
  readManifest,
  readRevisionFolder,
  writeManifest,
} from '../../src/revision/manifest';
import { entryPathOf, MANIFEST_DIR, writeManifestEntry } from '../../src/revision/manifest-entries';
import { sourceOf } from '../../src/revision/verified-source';
import { migratorErrorOf } from './revision-fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dazzle-manifest-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FIRST = '20240101000000_init';
const SECOND = '20240102000000_add_total';

function entry(id: string, content: string, fields: Partial<ManifestEntry> = {}): ManifestEntry {
  return {
    id,
    file: `${id}.ts`,
    parents: [],
    dependsOn: [],
    message: id.slice(15),
    transactional: true,
    checksum: checksumOf(content),
    ...fields,
  };
}

function writeRevision(id: string, content: string): void {
  writeFileSync(join(dir, `${id}.ts`), content);
}

describe('isRevisionFileName', () => {
  it.each(['ts', 'js', 'cjs', 'mjs', 'cts', 'mts'])('accepts <14-digit timestamp>_<slug>.%s', (ext) => {
    expect(isRevisionFileName(`20240101000000_add_total_2.${ext}`)).toBe(true);
  });

  it.each([
    ['a 13-digit timestamp', '2024010100000_a.ts'],
    ['a 15-digit timestamp', '202401010000000_a.ts'],
    ['text before the timestamp', 'x20240101000000_a.ts'],
    ['text after the extension', '20240101000000_a.ts.orig'],
    ['an upper-case slug', '20240101000000_Add.ts'],
    ['an empty slug', '20240101000000_.ts'],
    ['another extension', '20240101000000_a.json'],
    ['a declaration file', '20240101000000_a.d.ts'],
    ['the manifest', 'manifest.json'],
  ])('refuses %s', (_, name) => {
    expect(isRevisionFileName(name)).toBe(false);
  });
});

describe('handFillLinesOf', () => {
  it('gives the 1-based line of every marker', () => {
    const content = [
      "import type { QueryRunner } from 'typeorm';", // 1
      '', // 2
      'export async function up(db: QueryRunner) {', // 3
      '  // dazzle:hand-fill backfill "total"', // 4
      '  await db.query(`UPDATE "invoice" SET "total" = 0`);', // 5
      '  // dazzle:hand-fill confirm the USING expression', // 6
      '}', // 7
    ].join('\n');
    expect(handFillLinesOf(content)).toEqual([4, 6]);
  });

  it('finds a marker on the first and the last line', () => {
    expect(handFillLinesOf('// dazzle:hand-fill\nx\n// dazzle:hand-fill')).toEqual([1, 3]);
  });

  it('finds nothing in a finished revision', () => {
    expect(handFillLinesOf('export async function up() {}\n// dazzle:hand\n')).toEqual([]);
  });
});

describe('readManifest', () => {
  it('reads an absent manifest as an empty one of the lineage', () => {
    expect(readManifest(dir, 'app')).toEqual({ lineage: 'app', revisions: [] });
  });

  it('reads the revisions and takes the lineage from the caller', () => {
    const revisions = [entry(FIRST, 'x')];
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ lineage: 'framework', revisions }));
    expect(readManifest(dir, 'app')).toEqual({ lineage: 'app', revisions });
  });

  it('refuses a manifest that is not JSON, naming the file and what to do', () => {
    writeFileSync(join(dir, MANIFEST_FILE), '<<<<<<< HEAD\n{}');
    const error = migratorErrorOf(() => readManifest(dir, 'app'));
    const path = join(dir, MANIFEST_FILE);
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message.startsWith(`${path} is not valid JSON (`)).toBe(true);
    expect(error.message).toMatch(
      /\(.+\): resolve the merge conflict or run `dazzle db rehash` to rebuild the manifest from the revision files\.$/s,
    );
    expect(error.details).toEqual({ file: path });
  });

  it('refuses a manifest without a revisions list', () => {
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ lineage: 'app', revisions: {} }));
    const error = migratorErrorOf(() => readManifest(dir, 'app'));
    const path = join(dir, MANIFEST_FILE);
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toBe(
      `${path} has no "revisions" list: resolve the merge conflict or run \`dazzle db rehash\` to rebuild the manifest from the revision files.`,
    );
    expect(error.details).toEqual({ file: path });
  });
});

describe('writeManifest', () => {
  it('writes one indented JSON entry file per revision, and removes the old single file', () => {
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ lineage: 'app', revisions: [] }));
    const revisions = [entry(SECOND, 'b'), entry(FIRST, 'a')];
    writeManifest(dir, { lineage: 'app', revisions });
    expect(readdirSync(join(dir, MANIFEST_DIR)).sort()).toEqual([`${FIRST}.json`, `${SECOND}.json`]);
    expect(readFileSync(entryPathOf(dir, `${FIRST}.ts`), 'utf8')).toBe(
      `${JSON.stringify(revisions[1], null, 2)}\n`,
    );
    expect(existsSync(join(dir, MANIFEST_FILE))).toBe(false);
    writeManifest(dir, { lineage: 'app', revisions: [revisions[1]!] });
    expect(readdirSync(join(dir, MANIFEST_DIR))).toEqual([`${FIRST}.json`]);
  });

  it('adds an entry without touching the others, so two branches never edit one file', () => {
    writeFileSync(
      join(dir, MANIFEST_FILE),
      JSON.stringify({ lineage: 'app', revisions: [entry(FIRST, 'a')] }),
    );
    const before = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
    writeManifestEntry(dir, entry(SECOND, 'b'));
    expect(readFileSync(join(dir, MANIFEST_FILE), 'utf8')).toBe(before);
    expect(
      readManifest(dir, 'app')
        .revisions.map((r) => r.id)
        .sort(),
    ).toEqual([FIRST, SECOND]);
  });
});

describe('listRevisionFiles', () => {
  it('lists revision files in id order, and nothing for a missing folder', () => {
    const third = '20240103000000_third.ts';
    for (const name of [`${FIRST}.ts`, 'manifest.json', third, 'notes.md', `${SECOND}.ts`, `${FIRST}.d.ts`]) {
      writeFileSync(join(dir, name), '');
    }
    mkdirSync(join(dir, 'nested'));
    expect(listRevisionFiles(dir)).toEqual([`${FIRST}.ts`, `${SECOND}.ts`, third]);
    expect(listRevisionFiles(join(dir, 'missing'))).toEqual([]);
  });
});

describe('readRevisionFolder', () => {
  it('reads each revision with its header, checksum and hand-fill lines, frozen', () => {
    const first = 'export const first = 1;\n';
    const second = 'line one\n// dazzle:hand-fill backfill\n';
    writeRevision(FIRST, first);
    writeRevision(SECOND, second);
    writeManifest(dir, {
      lineage: 'app',
      revisions: [
        entry(FIRST, first, { dependsOn: ['20250101000000_fw'] }),
        entry(SECOND, second, { parents: [FIRST], transactional: false, message: 'add total' }),
      ],
    });

    const [a, b] = readRevisionFolder(dir, 'app');
    expect(a).toEqual({
      id: FIRST,
      lineage: 'app',
      parents: [],
      dependsOn: ['20250101000000_fw'],
      message: 'init',
      transactional: true,
      checksum: checksumOf(first),
      file: join(dir, `${FIRST}.ts`),
      handFillLines: [],
      source: first,
    });
    expect(b).toMatchObject({
      parents: [FIRST],
      transactional: false,
      message: 'add total',
      handFillLines: [2],
    });
    expect(Object.isFrozen(b)).toBe(true);
    expect(Object.isFrozen(b!.parents)).toBe(true);
    expect(Object.isFrozen(b!.dependsOn)).toBe(true);
    expect(Object.isFrozen(b!.handFillLines)).toBe(true);
  });

  it('keeps the text it verified, so later reads see what was checked', () => {
    writeRevision(FIRST, 'verified');
    writeManifest(dir, { lineage: 'app', revisions: [entry(FIRST, 'verified')] });
    const [info] = readRevisionFolder(dir, 'app');
    writeRevision(FIRST, 'edited later');
    expect(sourceOf(info!)).toBe('verified');
  });

  it('carries the verified text on the revision, so a copy runs what was checked too', () => {
    writeRevision(FIRST, 'verified');
    writeManifest(dir, { lineage: 'app', revisions: [entry(FIRST, 'verified')] });
    const [info] = readRevisionFolder(dir, 'app');
    writeRevision(FIRST, 'edited later');
    const copy = { ...info!, message: 'a copy' };
    expect(sourceOf(copy)).toBe('verified');
  });

  it('refuses to give text for a revision that was never read and verified', () => {
    writeRevision(FIRST, 'verified');
    writeManifest(dir, { lineage: 'app', revisions: [entry(FIRST, 'verified')] });
    const { source: _dropped, ...unverified } = readRevisionFolder(dir, 'app')[0]!;
    expect(() => sourceOf(unverified)).toThrow(/carries no verified text/);
  });

  it('reads an entry without parents, dependsOn or transactional as none, none and true', () => {
    writeRevision(FIRST, 'x');
    const { parents: _p, dependsOn: _d, transactional: _t, ...bare } = entry(FIRST, 'x');
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ lineage: 'app', revisions: [bare] }));
    expect(readRevisionFolder(dir, 'app')[0]).toMatchObject({
      parents: [],
      dependsOn: [],
      transactional: true,
    });
  });

  it('reads an empty or missing folder as no revisions', () => {
    expect(readRevisionFolder(dir, 'app')).toEqual([]);
    expect(readRevisionFolder(join(dir, 'missing'), 'framework')).toEqual([]);
  });

  it('names every file that disagrees with the manifest, and what to do', () => {
    writeRevision(FIRST, 'edited');
    writeRevision('20240103000000_stray', 'x');
    writeManifest(dir, {
      lineage: 'app',
      revisions: [entry(FIRST, 'original'), entry(SECOND, 'gone')],
    });
    const error = migratorErrorOf(() => readRevisionFolder(dir, 'app'));
    const problems = [
      `${FIRST}.ts was edited after the manifest was written`,
      `${SECOND}.ts is listed in the manifest but missing`,
      '20240103000000_stray.ts is not in the manifest',
    ];
    expect(error.code).toBe('MANIFEST_MISMATCH');
    expect(error.message).toBe(
      `The manifest of ${dir} (manifest/) disagrees with the folder: ${problems.join('; ')}. If the change is intended (a filled-in hand-written step), run \`dazzle db rehash\`; otherwise restore the file from git.`,
    );
    expect(error.details).toEqual({ dir, problems });
  });

  it('refuses a revision listed both in the old single file and in its own entry', () => {
    writeRevision(FIRST, 'a');
    writeFileSync(
      join(dir, MANIFEST_FILE),
      JSON.stringify({ lineage: 'app', revisions: [entry(FIRST, 'a')] }),
    );
    writeManifestEntry(dir, entry(FIRST, 'a'));
    const error = migratorErrorOf(() => readRevisionFolder(dir, 'app'));
    expect(error.code).toBe('MANIFEST_MISMATCH');
    expect(error.message).toContain(`${FIRST}.ts is listed twice in the manifest`);
  });

  it('accepts Windows line endings in a file whose checksum was taken with Unix ones', () => {
    writeRevision(FIRST, 'a\r\nb\r\n');
    writeManifest(dir, { lineage: 'app', revisions: [entry(FIRST, 'a\nb\n')] });
    expect(readRevisionFolder(dir, 'app')).toHaveLength(1);
  });
});
