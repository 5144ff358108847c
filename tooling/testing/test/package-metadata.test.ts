import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..', '..');
const read = (...path: string[]) => readFileSync(join(REPO, ...path), 'utf8');
const PUBLIC = readdirSync(join(REPO, 'packages')).filter(
  (folder) => !(JSON.parse(read('packages', folder, 'package.json')) as { private?: boolean }).private,
);

describe('what the registry shows for each public package', () => {
  it('covers the seven public packages', () => {
    expect(PUBLIC).toHaveLength(7);
  });

  for (const folder of PUBLIC) {
    const manifest = JSON.parse(read('packages', folder, 'package.json')) as {
      name: string;
      license?: string;
      files?: string[];
      repository?: { type?: string; url?: string; directory?: string };
      homepage?: string;
      bugs?: { url?: string };
    };

    it(`${manifest.name} ships the MIT licence text of the repository`, () => {
      expect(manifest.license).toBe('MIT');
      expect(read('LICENSE')).toMatch(/^MIT License\n/);
      expect(read('packages', folder, 'LICENSE')).toBe(read('LICENSE'));
      expect(manifest.files).toContain('LICENSE');
    });

    it(`${manifest.name} says where its source, home page and issue tracker are`, () => {
      expect(manifest.repository?.url).toMatch(/^git\+https:\/\/.+\.git$/);
      expect(manifest.repository?.directory).toBe(`packages/${folder}`);
      expect(manifest.homepage).toMatch(/^https:\/\//);
      expect(manifest.bugs?.url).toMatch(/^https:\/\/.+\/issues$/);
    });

    it(`${manifest.name} README links only to absolute addresses or its own anchors`, () => {
      const targets = [...read('packages', folder, 'README.md').matchAll(/\]\(([^)\s]+)\)/g)].map(
        (m) => m[1]!,
      );
      for (const target of targets) expect(target, `README link ${target}`).toMatch(/^(https:\/\/|#)/);
    });
  }
});
