import { createServer, type Server } from 'node:net';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, dazzle, errorLines, newApp, writeFiles } from './harness/app';
import { waitFor } from './harness/embedded';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { fillEmptyRevision, revisionFile } from './harness/revisions';

/** One line on stderr naming a code (not UNEXPECTED), nothing on stdout, no stack trace. */
function expectOneLineError(result: CliResult, exitCode: number, pattern: RegExp): void {
  const context = `${result.stdout}\n${result.stderr}`;
  expect(result.code, context).toBe(exitCode);
  expect(result.stdout, context).toBe('');
  const lines = errorLines(result.stderr);
  expect(lines, context).toHaveLength(1);
  expect(lines[0], context).toMatch(pattern);
  expect(lines[0], context).not.toMatch(/UNEXPECTED|please report/);
  expect(result.stderr, context).not.toMatch(/\n\s+at /);
}

describe('bad input gets one clear line and a non-zero exit', () => {
  let db: TestDatabase;
  let app: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase('acceptance_input');
    env = { DATABASE_URL: db.url };
    app = newApp('input');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    expect((await dazzle(app, ['db', 'revision', '-m', 'create item'], env)).code).toBe(0);
  });
  afterAll(() => db.drop());

  it.each([['abc'], ['-5'], ['1.5']])(
    '--lock-timeout %s is a usage error (exit 2) and nothing runs',
    async (value) => {
      const result = await dazzle(app, ['db', 'upgrade', '--lock-timeout', value], env);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('--lock-timeout');
      expect(await queryDatabase(db.url, "SELECT to_regclass('public.item') AS t")).toEqual([{ t: null }]);
    },
  );

  it('refuses a taken port before migrating: no revision applied, no deploy recorded', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const result = await dazzle(app, ['serve', '--port', String(port)], env);
      expectOneLineError(result, 1, new RegExp(`^Error [A-Z_]+: .*${port}`));
      expect(await queryDatabase(db.url, "SELECT to_regclass('public.item') AS t")).toEqual([{ t: null }]);
      expect(await queryDatabase(db.url, "SELECT to_regclass('public.deploy_history') AS t")).toEqual([
        { t: null },
      ]);
    } finally {
      blocker.close();
    }
  });

  it('a malformed % escape in the password is DATABASE_URL_INVALID, masked', async () => {
    const url = db.url.replace(':postgres@', ':se%zzcret@');
    const result = await dazzle(app, ['db', 'current'], { DATABASE_URL: url });
    expectOneLineError(result, 1, /^Error DATABASE_URL_INVALID: /);
    expect(result.stderr).not.toContain('se%zzcret');
  });

  it('a wrong password says to check the credentials, and does not claim it retried', async () => {
    const url = db.url.replace(':postgres@', ':wrong-secret@');
    const result = await dazzle(app, ['serve', '--port', '0'], { DATABASE_URL: url });
    expectOneLineError(result, 1, /^Error DATABASE_UNREACHABLE: .*password/);
    expect(result.stderr).not.toMatch(/retrying for/);
    expect(result.stderr).not.toContain('wrong-secret');
  });

  it('an unreachable server prints progress while serve retries it', async () => {
    const retrying = newApp('retry');
    writeFiles(retrying, {
      'dazzle.config.ts': ITEM_CONFIG.replace(
        'entities: [Item]',
        'entities: [Item], database: { connectRetryMs: 3000 }',
      ),
      'src/item.ts': itemEntity(),
    });
    const result = await dazzle(retrying, ['serve', '--port', '0'], {
      DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/none',
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^Error DATABASE_UNREACHABLE: /);
    expect(
      lines.slice(0, -1).some((line) => /retry|waiting/i.test(line)),
      `a progress line before the error:\n${result.stderr}`,
    ).toBe(true);
    expect(result.stderr).not.toContain('secret');
  });

  it('never prints a password given as ?password= in the URL', async () => {
    const parsed = new URL(db.url);
    const password = decodeURIComponent(parsed.password);
    parsed.password = '';
    parsed.searchParams.set('password', password);
    const result = await dazzle(app, ['db', 'current'], { DATABASE_URL: parsed.toString() });
    expect(result.code, result.stderr).toBe(0);
    expect(`${result.stdout}${result.stderr}`).not.toContain(`password=${password}`);
    const failing = await dazzle(app, ['db', 'current'], {
      DATABASE_URL: 'postgres://someone@127.0.0.1:1/none?password=hunter2',
    });
    expect(failing.code).toBe(1);
    expect(`${failing.stdout}${failing.stderr}`).not.toContain('hunter2');
  });

  it('reports the real cause when the migrator connection is killed mid-revision, and applies nothing', async () => {
    const killed = newApp('killed');
    const killedDb = await createTestDatabase('acceptance_killed');
    try {
      writeFiles(killed, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
      const killedEnv = { DATABASE_URL: killedDb.url };
      expect((await dazzle(killed, ['db', 'upgrade'], killedEnv)).code).toBe(0);
      expect((await dazzle(killed, ['db', 'revision', '--empty', '-m', 'slow'], killedEnv)).code).toBe(0);
      fillEmptyRevision(
        revisionFile(killed, 'slow'),
        ['CREATE TABLE "slow_marker" ("id" integer)', 'SELECT pg_sleep(60)'],
        ['DROP TABLE "slow_marker"'],
      );
      expect((await dazzle(killed, ['db', 'rehash'], killedEnv)).code).toBe(0);
      const running = dazzle(killed, ['db', 'upgrade'], killedEnv);
      const admin = new pg.Client({ connectionString: killedDb.url });
      await admin.connect();
      try {
        await waitFor(async () => {
          const { rows } = await admin.query(
            "SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()",
          );
          if (rows.length === 0) return false;
          await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
          return true;
        });
      } finally {
        await admin.end();
      }
      const result = await running;
      expectOneLineError(result, 1, /^Error [A-Z_]+: /);
      expect(result.stderr).not.toContain('already released');
      expect(await queryDatabase(killedDb.url, "SELECT to_regclass('public.slow_marker') AS t")).toEqual([
        { t: null },
      ]);
    } finally {
      await killedDb.drop();
    }
  });
});

describe('a config that is wrong says which key, in one line', () => {
  const CONFIGS: Array<[string, string, RegExp]> = [
    ['an empty file', '', /^Error CONFIG_INVALID: .*dazzle\.config\.ts/],
    ['no default export', 'export const config = { entities: [] };\n', /^Error CONFIG_INVALID: .*default/],
    [
      'an unknown key',
      "import { defineConfig } from '@app/cli';\nexport default defineConfig({ entities: [], migration: { dir: 'db' } } as never);\n",
      /^Error CONFIG_INVALID: .*`?migration`?.*migrations/,
    ],
    [
      'a wrong type',
      "export default { entities: [], database: { lockTimeoutMs: 'soon' } };\n",
      /^Error CONFIG_INVALID: .*lockTimeoutMs/,
    ],
    [
      'a syntax error',
      "import { defineConfig } from '@app/cli';\n\nexport default defineConfig({ entities: [ });\n",
      /^Error CONFIG_INVALID: .*dazzle\.config\.ts:3/,
    ],
  ];

  it.each(CONFIGS)('%s', async (_name, source, pattern) => {
    const app = newApp('config');
    writeFiles(app, { 'dazzle.config.ts': source });
    const result = await dazzle(app, ['db', 'heads']);
    expectOneLineError(result, 1, pattern);
  });
});
