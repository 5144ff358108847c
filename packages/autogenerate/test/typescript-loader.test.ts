import 'reflect-metadata';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstUserFrame, remapStack } from '@app/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { guardDesignTypes } from '../src/typescript/design-type-guard';
import { compileTypeScript, registerTypeScriptLoader } from '../src/typescript/typescript-loader';
import { Project as ProjectUnderVitest } from './fixtures/import-cycle/project';
import { Task as TaskUnderVitest } from './fixtures/import-cycle/task';

const FIXTURES = join(__dirname, 'fixtures', 'import-cycle');
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A fresh copy of the cycle fixtures, so each test loads them anew through Node's CommonJS loader. */
function cycleCopy(): string {
  const folder = mkdtempSync(join(tmpdir(), 'dazzle-loader-'));
  folders.push(folder);
  cpSync(FIXTURES, folder, { recursive: true });
  return folder;
}

type Loaded = Record<string, { prototype: object }>;
function requireTs(file: string): Loaded {
  registerTypeScriptLoader();
  return createRequire(__filename)(file) as Loaded;
}
const designType = (cls: { prototype: object }, key: string): unknown =>
  Reflect.getMetadata('design:type', cls.prototype, key);

describe('compileTypeScript on entity files that import each other', () => {
  it('loads the cycle from the side whose partner reads it while it is still loading', () => {
    const folder = cycleCopy();
    const { Project } = requireTs(join(folder, 'project.ts'));
    const { Task } = requireTs(join(folder, 'task.ts'));
    // task.ts ran while project.ts was half loaded: the class was not there yet, as under tsc.
    expect(designType(Task!, 'project')).toBe(Object);
    expect(designType(Project!, 'lead')).toBe(Task);
    expect(designType(Project!, 'name')).toBe(String);
    expect(designType(Project!, 'tasks')).toBe(Array);
  });

  it('loads the cycle from the other side', () => {
    const folder = cycleCopy();
    const { Task } = requireTs(join(folder, 'task.ts'));
    const { Project } = requireTs(join(folder, 'project.ts'));
    expect(designType(Task!, 'project')).toBe(Project);
    expect(designType(Project!, 'lead')).toBe(Object);
  });

  it('maps a throw in a compiled file back to the line the author wrote', () => {
    const folder = cycleCopy();
    const file = join(folder, 'broken.ts');
    writeFileSync(
      file,
      `import { Field } from './field';\n\nclass A {\n  @Field()\n  a: string;\n}\nthrow new Error('broken at line 7 ' + A.name);\n`,
    );
    let stack = '';
    try {
      requireTs(file);
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    expect(stack).toContain('broken at line 7');
    expect(stack).not.toContain(`${file}:7:`);
    expect(remapStack(stack)).toContain(`${file}:7:`);
    expect(firstUserFrame(remapStack(stack), folder)).toBe(`${file}:7`);
  });

  it('reports a syntax error as one line naming file:line:column', () => {
    const file = '/app/dazzle.config.ts';
    expect(() => compileTypeScript('export default {\n  entities: [,\n  x y\n};\n', file)).toThrow(
      /^\/app\/dazzle\.config\.ts:3:\d+: Expected ',', got 'ident'$/,
    );
  });
});

describe('the test tree (vitest with unplugin-swc) on the same cycle', () => {
  it('imports both files, the late class reading as Object as under tsc', () => {
    expect(designType(TaskUnderVitest, 'project')).toBe(Object);
    expect(designType(ProjectUnderVitest, 'lead')).toBe(TaskUnderVitest);
  });
});

describe('guardDesignTypes', () => {
  const swcLine = (expr: string) =>
    `_ts_metadata("design:type", typeof ${expr} === "undefined" ? Object : ${expr})`;

  it('guards a named import, a namespace import and a parameter list, keeping every line in place', () => {
    const code = [
      swcLine('_project.Project'),
      '_ts_metadata("design:paramtypes", [',
      '    typeof _ns === "undefined" || typeof _ns.Thing === "undefined" ? Object : _ns.Thing',
      '])',
      '//# sourceMappingURL=data:application/json;base64,e30=',
    ].join('\n');
    const lines = guardDesignTypes(code).split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '_ts_metadata("design:type", _dazzle_design_type(() => _project.Project))',
      '_ts_metadata("design:paramtypes", [',
      '    _dazzle_design_type(() => _ns.Thing)',
      '])',
    ]);
    expect(lines[4]).toMatch(/^function _dazzle_design_type\(read\)/);
    expect(lines[5]).toBe('//# sourceMappingURL=data:application/json;base64,e30=');
  });

  it('leaves code without class-typed metadata untouched', () => {
    const code = '_ts_metadata("design:type", String);\nconst x = typeof a === "undefined" ? Object : b;\n';
    expect(guardDesignTypes(code)).toBe(code);
  });

  it('does not take a longer member chain for the guarded one', () => {
    expect(guardDesignTypes(`typeof _a.B === "undefined" ? Object : _a.B.C`)).toBe(
      `typeof _a.B === "undefined" ? Object : _a.B.C`,
    );
  });
});

describe('firstUserFrame', () => {
  it('skips frames in node_modules and outside the app', () => {
    const stack = [
      'Error: no',
      '    at check (/app/node_modules/typeorm/index.js:1:1)',
      '    at /usr/lib/node/thing.js:2:2',
      '    at Object.<anonymous> (/app/src/entities/task.ts:12:3)',
    ].join('\n');
    expect(firstUserFrame(stack, '/app')).toBe('/app/src/entities/task.ts:12');
    expect(firstUserFrame(stack, '/other')).toBeUndefined();
  });
});
