import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@app/testing';
import { describe, expect, it } from 'vitest';
import { CLI_ROOT, createTempApp, dazzle } from './helpers/temp-app';

describe('init gives commands that work from an empty folder', () => {
  it('init --help names `npx @app/cli init`, never `npx dazzle init`', async () => {
    const help = await dazzle(makeTempDir('dazzle-empty-'), ['init', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('npx @app/cli init');
    expect(help.stdout).not.toMatch(/npx dazzle init/);
  });

  it('@app/cli has exactly one bin, so `npx @app/cli` runs `dazzle`', () => {
    const pkg = JSON.parse(readFileSync(join(CLI_ROOT, 'package.json'), 'utf8')) as {
      name: string;
      bin: Record<string, string>;
    };
    expect(pkg.name).toBe('@app/cli');
    expect(Object.keys(pkg.bin)).toEqual(['dazzle']);
  });

  it("init's next step installs @app/cli before using `npx dazzle`", async () => {
    const app = createTempApp();
    const result = await dazzle(app, ['init']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/npm install @app\/cli typeorm/);
    expect(result.stdout).toMatch(/npx dazzle db revision -m "init"/);
  });

  it('the docs never tell people to run `npx dazzle init`', () => {
    for (const doc of ['README.md', 'docs/reference/cli.md', 'packages/cli/README.md']) {
      const text = readFileSync(join(CLI_ROOT, '..', '..', doc), 'utf8');
      expect(text, doc).not.toMatch(/npx dazzle init/);
    }
  });
});
