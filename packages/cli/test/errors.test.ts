import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, makeTempDir, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempApp, dazzle } from './helpers/temp-app';

function expectOneLine(stderr: string, code: RegExp): void {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('Database:'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(code);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('dazzle errors: one line, a code, and a non-zero exit', () => {
  let db: TestDatabase;
  let app: string;

  beforeAll(async () => {
    db = await createTestDatabase('cli_errors');
    app = createTempApp();
    expect((await dazzle(app, ['init'])).code).toBe(0);
  });
  afterAll(() => db.drop());

  it('an unreachable database', async () => {
    const result = await dazzle(app, ['db', 'current'], {
      DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none',
    });
    expect(result.code).toBe(1);
    expectOneLine(
      result.stderr,
      /^Error DATABASE_UNREACHABLE: Could not connect to postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/,
    );
    expect(result.stderr).not.toContain('secret');
  });

  it('a URL that is not a PostgreSQL URL', async () => {
    const result = await dazzle(app, ['db', 'current', '--database-url', 'mysql://x@y/z']);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, /^Error DATABASE_URL_INVALID: .*must start with postgres:\/\//);
  });

  it('no config anywhere above the folder', async () => {
    const empty = makeTempDir('dazzle-empty-');
    const result = await dazzle(empty, ['db', 'current'], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, /^Error CONFIG_NOT_FOUND: No dazzle\.config\.ts .* run `dazzle init`/);
  });

  it('a config that does not compile', async () => {
    const broken = createTempApp();
    writeFileSync(join(broken, 'dazzle.config.ts'), 'export default {{{ ;');
    const result = await dazzle(broken, ['db', 'current'], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, /^Error CONFIG_INVALID: .*dazzle\.config\.ts:\d+:\d+: .*Fix the file/);
  });

  it('a revision with a syntax error', async () => {
    const env = { DATABASE_URL: db.url };
    expect((await dazzle(app, ['db', 'revision', '-m', 'init'], env)).code).toBe(0);
    const file = join(
      app,
      'migrations',
      readdirSync(join(app, 'migrations')).find((f) => f.endsWith('.ts'))!,
    );
    writeFileSync(file, 'export const revision = {{ broken');
    const rehash = await dazzle(app, ['db', 'rehash'], env);
    expect(rehash.code).toBe(1);
    expectOneLine(
      rehash.stderr,
      /^Error REVISION_LOAD_FAILED: Revision .* could not be loaded: .*Fix the file/,
    );
    const result = await dazzle(app, ['db', 'upgrade'], env);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, /^Error MANIFEST_MISMATCH: .*was edited after the manifest was written/);
  });

  it('a message that would make an unsafe file name', async () => {
    const result = await dazzle(app, ['db', 'revision', '-m', '../../x'], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, /^Error MESSAGE_INVALID: .*contains a path separator/);
  });

  it('usage errors exit 2', async () => {
    const unknown = await dazzle(app, ['db', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const missing = await dazzle(app, ['db', 'revision']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '-m, --message <message>' not specified");
  });

  it('every command has --help with an example', async () => {
    for (const command of [
      ['db', 'revision'],
      ['db', 'upgrade'],
      ['db', 'downgrade'],
      ['db', 'current'],
      ['db', 'history'],
      ['db', 'heads'],
      ['db', 'stamp'],
      ['db', 'merge'],
      ['db', 'check'],
      ['db', 'lint'],
      ['serve'],
      ['init'],
    ]) {
      const help = await dazzle(app, [...command, '--help']);
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout, command.join(' ')).toMatch(/Example/);
    }
  });

  it('lint exits 1 on an error-level finding and names the rule, why, and the safer way', async () => {
    const linted = createTempApp();
    expect((await dazzle(linted, ['init'])).code).toBe(0);
    const env = { DATABASE_URL: db.url };
    expect((await dazzle(linted, ['db', 'revision', '-m', 'init'], env)).code).toBe(0);
    expect((await dazzle(linted, ['db', 'revision', '--empty', '-m', 'drop body by hand'], env)).code).toBe(
      0,
    );
    const file = join(
      linted,
      'migrations',
      readdirSync(join(linted, 'migrations')).find((f) => f.endsWith('_drop_body_by_hand.ts'))!,
    );
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'export async function up(db: QueryRunner): Promise<void> {\n  // Nothing to do.',
        'export async function up(db: QueryRunner): Promise<void> {\n  await db.query(`ALTER TABLE "note" DROP COLUMN "body"`);',
      ),
    );
    expect((await dazzle(linted, ['db', 'rehash'])).code).toBe(0);
    const lint = await dazzle(linted, ['db', 'lint', '--json']);
    expect(lint.code).toBe(1);
    const [, second] = JSON.parse(lint.stdout) as Array<{
      findings: Array<{ rule: string; severity: string; why: string; saferWay: string }>;
    }>;
    expect(second!.findings).toEqual([
      expect.objectContaining({
        rule: 'drop-column',
        severity: 'error',
        why: expect.stringMatching(/drops the column/),
        saferWay: expect.any(String),
      }),
    ]);
  });
});
