import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..', '..');
/** The one direction dependencies may point: each package may use only those listed for it. */
const ALLOWED: Record<string, string[]> = {
  '@app/local-postgres': [],
  '@app/entities-framework': [],
  '@app/metadata-builder': ['@app/entities-framework'],
  '@app/migrator': ['@app/local-postgres', '@app/entities-framework', '@app/metadata-builder'],
  '@app/server': ['@app/entities-framework', '@app/metadata-builder', '@app/migrator'],
  '@app/cli': ['@app/migrator', '@app/server'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('the package graph', () => {
  for (const [name, allowed] of Object.entries(ALLOWED)) {
    const folder = join(REPO, 'packages', name.replace('@app/', ''));
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
    };

    it(`${name} depends only on packages below it, through workspace ranges`, () => {
      expect(manifest.name).toBe(name);
      const internal = Object.entries(manifest.dependencies ?? {}).filter(([dep]) => dep.startsWith('@app/'));
      for (const [dep, range] of internal) {
        expect(allowed, `${name} must not depend on ${dep}`).toContain(dep);
        expect(range).toMatch(/^workspace:/);
      }
    });

    it(`${name} imports no higher package, and no other package's internals`, () => {
      for (const file of sourceFiles(join(folder, 'src'))) {
        const source = readFileSync(file, 'utf8');
        const imports = [
          ...source.matchAll(/^(?:import|export)\b.*from '(@app\/[^']+)'|import\('(@app\/[^']+)'\)/gm),
        ].map((m) => m[1] ?? m[2]!);
        // A package may name itself (the CLI's `init` scaffolds a config that imports @app/cli).
        for (const spec of imports.filter((s) => s !== name)) {
          expect(spec, `${file} imports ${spec}: one public door per package`).toMatch(/^@app\/[a-z-]+$/);
          expect(allowed, `${file} imports ${spec}, which is not below ${name}`).toContain(spec);
        }
      }
    });
  }
});
