import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { platformNativeDir, restoreLibraryLinks, startEmbeddedPostgres } from '../src';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(mode: number): string {
  const folder = mkdtempSync(join(tmpdir(), 'local-postgres-test-'));
  chmodSync(folder, mode);
  folders.push(folder);
  return folder;
}

/** A copy of the installed platform package (hard links: cheap) inside `parent`. */
function copyOfPlatformPackage(parent: string): string {
  const packageRoot = dirname(platformNativeDir());
  execFileSync('cp', ['-al', packageRoot, join(parent, 'package')]);
  return join(parent, 'package', 'native');
}

function libraryLinkTargets(nativeDir: string): string[] {
  const links = JSON.parse(readFileSync(join(nativeDir, 'pg-symlinks.json'), 'utf8')) as Array<{
    target: string;
  }>;
  return links.map((link) => join(dirname(nativeDir), link.target));
}

describe('startEmbeddedPostgres', () => {
  it('starts a server from a package whose install script never ran, restoring its library links', async () => {
    const nativeDir = copyOfPlatformPackage(tempFolder(0o755));
    const targets = libraryLinkTargets(nativeDir);
    for (const target of targets) unlinkSync(target);
    const notes: string[] = [];
    const server = await startEmbeddedPostgres({
      dataDir: join(tempFolder(0o755), 'data'),
      nativeDir,
      ephemeral: true,
      log: (line) => notes.push(line),
    });
    await server.stop();
    expect(notes.join('\n')).toContain(`Restored ${targets.length} library links`);
    expect(targets.every((target) => existsSync(target))).toBe(true);
    expect(restoreLibraryLinks(nativeDir)).toBe(0);
  }, 120_000);

  it.runIf(process.getuid?.() === 0)(
    'as root, runs binaries the postgres user cannot reach from a copy it can reach',
    async () => {
      const nativeDir = copyOfPlatformPackage(tempFolder(0o700));
      const dataDir = join(tempFolder(0o755), 'data');
      const server = await startEmbeddedPostgres({ dataDir, nativeDir, ephemeral: true });
      try {
        expect(readlinkSync(`/proc/${server.pid}/exe`)).toMatch(
          /^\/var\/cache\/dazzle\/postgres-[^/]+\/native\/bin\/postgres$/,
        );
      } finally {
        await server.stop();
      }
      expect(existsSync(dataDir)).toBe(false);
    },
    120_000,
  );
});
