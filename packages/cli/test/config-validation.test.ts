import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempApp, dazzle } from './helpers/temp-app';

function oneErrorLine(stderr: string): string {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('Database:'));
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('a config file is validated when it loads', () => {
  let db: TestDatabase;
  let app: string;
  let config: string;
  let template: string;

  beforeAll(async () => {
    db = await createTestDatabase('cli_config');
    app = createTempApp();
    expect((await dazzle(app, ['init'])).code).toBe(0);
    config = join(app, 'dazzle.config.ts');
    template = readFileSync(config, 'utf8');
  });
  afterAll(() => db.drop());

  async function currentWith(text: string): Promise<string> {
    writeFileSync(config, text);
    const result = await dazzle(app, ['db', 'current'], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    return oneErrorLine(result.stderr);
  }

  it('an empty config file', async () => {
    expect(await currentWith('')).toMatch(
      /^Error CONFIG_INVALID: .*dazzle\.config\.ts must export a config object/,
    );
  });

  it('a config without a default export', async () => {
    expect(await currentWith("export const config = { migrations: { dir: 'migrations' } };\n")).toMatch(
      /^Error CONFIG_INVALID: .*dazzle\.config\.ts must export a config object: .*export default defineConfig/,
    );
  });

  it('an unknown key names the key, the file and the nearest known key', async () => {
    expect(await currentWith(template.replace('migrations: {', 'migration: {'))).toMatch(
      /^Error CONFIG_INVALID: .*dazzle\.config\.ts: unknown key `migration` \(did you mean `migrations`\?\)/,
    );
  });

  it('a value of the wrong type', async () => {
    expect(await currentWith(template.replace("dir: 'migrations'", 'dir: 42'))).toMatch(
      /^Error CONFIG_INVALID: .*dazzle\.config\.ts: `migrations\.dir` must be a string, got a number/,
    );
  });

  it('a syntax error is one line with file:line:column and the message', async () => {
    const line = await currentWith(`${template}\nexport const broken = {{{ ;\n`);
    expect(line).toMatch(/^Error CONFIG_INVALID: .*dazzle\.config\.ts:\d+:\d+: /);
    expect(line).not.toMatch(/[╭│─]|\|\s*\^/);
    expect(line.length).toBeLessThan(400);
  });

  it('the corrected config works again', async () => {
    writeFileSync(config, template);
    expect((await dazzle(app, ['db', 'current'], { DATABASE_URL: db.url })).code).toBe(0);
  });
});
