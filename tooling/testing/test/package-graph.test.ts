import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  importsOf,
  type LayeredPackage,
  layeringViolations,
  readPackage,
  typeScriptFiles,
} from './layering/module-imports.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'layering');
/** The one direction dependencies may point: each package may use only those listed for it. */
const ALLOWED: Record<string, string[]> = {
  '@app/local-postgres': [],
  '@app/entities-framework': [],
  '@app/metadata-builder': ['@app/entities-framework'],
  '@app/migrator': ['@app/entities-framework', '@app/metadata-builder'],
  '@app/autogenerate': ['@app/entities-framework', '@app/metadata-builder', '@app/migrator'],
  '@app/server': ['@app/entities-framework', '@app/metadata-builder', '@app/migrator'],
  '@app/cli': ['@app/migrator', '@app/server', '@app/autogenerate', '@app/local-postgres'],
};
const folderOf = (name: string) => join(REPO, 'packages', name.replace('@app/', ''));
/** Every workspace package an import could reach, the test helpers included. */
const WORKSPACE: LayeredPackage[] = [
  ...Object.keys(ALLOWED).map((name) => readPackage(folderOf(name))),
  readPackage(join(REPO, 'tooling', 'testing')),
];
const packageNamed = (name: string) => WORKSPACE.find((pkg) => pkg.name === name)!;

/** Checks the files under `root` as if they were the source of package `name`. */
function violationsIn(name: string, root: string): string[] {
  const pkg = packageNamed(name);
  const imports = importsOf(pkg, typeScriptFiles(root), root);
  return layeringViolations(pkg, imports, ALLOWED[name]!, WORKSPACE).map(
    (v) => `${relative(FIXTURES, v.file)}:${v.line} ${v.specifier} ${v.reason}`,
  );
}

describe('the package graph', () => {
  for (const [name, allowed] of Object.entries(ALLOWED)) {
    const folder = folderOf(name);
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };

    it(`${name} depends only on packages below it, through workspace ranges`, () => {
      expect(manifest.name).toBe(name);
      const internal = Object.entries({ ...manifest.dependencies, ...manifest.optionalDependencies }).filter(
        ([dep]) => dep.startsWith('@app/'),
      );
      for (const [dep, range] of internal) {
        expect(allowed, `${name} must not depend on ${dep}`).toContain(dep);
        expect(range).toMatch(/^workspace:/);
      }
    });

    it(`${name} imports no higher package, and no other package's internals`, () => {
      for (const door of WORKSPACE.flatMap((pkg) => pkg.doors)) {
        expect(() => readFileSync(door), `${door} is missing: build the packages first`).not.toThrow();
      }
      expect(violationsIn(name, join(folder, 'src'))).toEqual([]);
    });
  }
});

describe('the layering check', () => {
  it('finds an upward import written across several lines', () => {
    expect(violationsIn('@app/migrator', join(FIXTURES, 'broken', 'migrator'))).toEqual([
      'broken/migrator/multi-line.ts:5 @app/testing reaches @app/testing, which @app/migrator may not use',
    ]);
  });

  it('finds upward dynamic imports, by relative path and by package name', () => {
    expect(violationsIn('@app/metadata-builder', join(FIXTURES, 'broken', 'metadata-builder'))).toEqual([
      'broken/metadata-builder/dynamic.ts:3 ../../migrator/src/index.js reaches @app/migrator, which @app/metadata-builder may not use',
      'broken/metadata-builder/dynamic.ts:5 @app/cli does not resolve from @app/metadata-builder: a deep import or an undeclared dependency',
    ]);
  });

  it('finds deep imports into allowed packages', () => {
    expect(violationsIn('@app/server', join(FIXTURES, 'broken', 'server'))).toEqual([
      'broken/server/deep.ts:2 @app/migrator/src/errors.js does not resolve from @app/server: a deep import or an undeclared dependency',
      "broken/server/deep.ts:3 ../../entities-framework/src/index.js reaches entities-framework/src/index.ts, not @app/entities-framework's public door",
    ]);
  });

  it('passes a subpath door the package declares in its exports, and no other of its files', () => {
    expect(violationsIn('@app/cli', join(FIXTURES, 'clean', 'cli'))).toEqual([]);
    expect(violationsIn('@app/cli', join(FIXTURES, 'broken', 'cli'))).toEqual([
      "broken/cli/undeclared-door.ts:2 ../../migrator/src/ledger/read-ledger-pg.js reaches migrator/src/ledger/read-ledger-pg.ts, not @app/migrator's public door",
    ]);
  });

  it('passes every import form that goes through an allowed public door', () => {
    const pkg = packageNamed('@app/server');
    const root = join(FIXTURES, 'clean', 'server');
    const imports = importsOf(pkg, typeScriptFiles(root), root);
    expect(imports.map((i) => i.specifier)).toEqual([
      '@app/migrator',
      'typeorm',
      '@app/metadata-builder',
      '@app/entities-framework',
    ]);
    expect(layeringViolations(pkg, imports, ALLOWED['@app/server']!, WORKSPACE)).toEqual([]);
  });
});
