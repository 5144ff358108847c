// Reading revision folders in slices (so the ledger read's I/O goes on meanwhile) must give what
// reading them straight through gives: the same revisions, the same checks, the same errors.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigratorError } from '../../src/errors';
import { checksumOf } from '../../src/revision/checksum';
import {
  type ManifestEntry,
  readingRevisionFolder,
  readRevisionFolder,
  writeManifest,
} from '../../src/revision/manifest';
import { pathsIn } from '../../src/revision/manifest-entries';
import {
  readRevisionGraphOrFolderError,
  readRevisionGraphOrFolderErrorInSlices,
} from '../../src/revision/revision-set';
import { FILES_PER_SLICE, readInSlices, readToEnd } from '../../src/revision/sliced-reading';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dazzle-sliced-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const COUNT = FILES_PER_SLICE * 2 + 7;

/** COUNT revisions in a chain; one with a hand-fill marker, one with Windows line endings. */
function writeChain(): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  for (let i = 0; i < COUNT; i += 1) {
    const id = `202401010${String(i).padStart(5, '0')}_step_${i}`;
    const unix = i === 3 ? `// step ${i}\n// dazzle:hand-fill backfill\n` : `// step ${i}\nexport {};\n`;
    writeFileSync(join(dir, `${id}.js`), i === 5 ? unix.replace(/\n/g, '\r\n') : unix);
    entries.push({
      id,
      file: `${id}.js`,
      parents: i === 0 ? [] : [entries[i - 1]!.id],
      dependsOn: [],
      message: `step ${i}`,
      transactional: true,
      checksum: checksumOf(unix),
    });
  }
  writeManifest(dir, { lineage: 'app', revisions: entries });
  return entries;
}

describe('reading a revision folder in slices', () => {
  it('gives the revisions reading it straight through gives', async () => {
    writeChain();
    const sliced = await readInSlices(readingRevisionFolder(dir, 'app'));
    expect(sliced).toEqual(readRevisionFolder(dir, 'app'));
    expect(sliced).toHaveLength(COUNT);
    expect(sliced[3]!.handFillLines).toEqual([2]);
    expect(sliced.every((info) => Object.isFrozen(info))).toBe(true);
  });

  it('lets the event loop turn between slices, so pending I/O goes on while the folder is read', async () => {
    writeChain();
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    await readInSlices(readingRevisionFolder(dir, 'app'));
    order.push('folder read');
    expect(order).toEqual(['other work', 'folder read']);

    // Straight through, nothing else runs until the whole folder is read.
    order.length = 0;
    setImmediate(() => order.push('other work'));
    readToEnd(readingRevisionFolder(dir, 'app'));
    order.push('folder read');
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['folder read', 'other work']);
  });

  it('reports a folder that disagrees with its manifest with the same error, as a state', async () => {
    const entries = writeChain();
    writeFileSync(join(dir, entries[50]!.file), '// edited\n');
    writeFileSync(join(dir, '20250101000000_stray.js'), '// stray\n');
    const straight = readRevisionGraphOrFolderError([{ lineage: 'app', dir }]);
    const sliced = await readRevisionGraphOrFolderErrorInSlices([{ lineage: 'app', dir }]);
    expect(sliced).toBeInstanceOf(MigratorError);
    expect(straight).toBeInstanceOf(MigratorError);
    expect((sliced as MigratorError).code).toBe('MANIFEST_MISMATCH');
    expect((sliced as MigratorError).message).toBe((straight as MigratorError).message);
    expect((sliced as MigratorError).details).toEqual((straight as MigratorError).details);
  });

  it('throws what is not a state of the folder, as reading it straight through does', async () => {
    const entries = writeChain();
    // Two revisions claiming one id: the graph refuses it, whichever way the folder was read.
    writeFileSync(join(dir, '20250101000000_again.js'), '// again\n');
    writeManifest(dir, {
      lineage: 'app',
      revisions: [
        ...entries,
        {
          id: '20240101000000_step_0',
          file: '20250101000000_again.js',
          parents: [],
          dependsOn: [],
          message: 'again',
          transactional: true,
          checksum: checksumOf('// again\n'),
        },
      ],
    });
    const sources = [{ lineage: 'app' as const, dir }];
    const straight = (() => {
      try {
        readRevisionGraphOrFolderError(sources);
        return undefined;
      } catch (error) {
        return error as Error;
      }
    })();
    expect(straight).toBeInstanceOf(Error);
    await expect(readRevisionGraphOrFolderErrorInSlices(sources)).rejects.toThrow(straight!.message);
  });
});

describe('pathsIn', () => {
  it.each(['/a/b', '/a/b/', '/a/./b//c', 'relative/dir', '.', '/', ''])(
    'joins like path.join in %j',
    (folder) => {
      const inFolder = pathsIn(folder);
      for (const name of ['20240101000000_init.ts', 'x.json'])
        expect(inFolder(name)).toBe(join(folder, name));
    },
  );
});

describe('checksumOf', () => {
  it('is the SHA-256 of the UTF-8 text with CRLF made LF, a lone carriage return and non-ASCII text included', () => {
    for (const text of ['plain\n', 'a\rb', 'a\r\r\nb', 'é ünïcødé 🚀\n', ''])
      expect(checksumOf(text)).toBe(createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex'));
  });
});
