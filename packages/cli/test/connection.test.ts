import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, findFreePort, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, createTempApp, DAZZLE_BIN, dazzle } from './helpers/temp-app';

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('Error') || l.startsWith('UNEXPECTED'));
}

describe('connection failures say what happened', () => {
  let db: TestDatabase;
  let app: string;

  beforeAll(async () => {
    db = await createTestDatabase('cli_connection');
    app = createTempApp();
    expect((await dazzle(app, ['init'])).code).toBe(0);
  });
  afterAll(() => db.drop());

  it('a wrong password is not retried and says to check the user name and password', async () => {
    const url = new URL(db.url);
    url.password = 'certainly-wrong';
    const result = await dazzle(app, ['serve', '--port', '0'], { DATABASE_URL: url.toString() });
    expect(result.code).toBe(1);
    const [line] = errorLines(result.stderr);
    expect(line).toMatch(/^Error DATABASE_UNREACHABLE: .*check the user name and password/);
    expect(result.stderr).not.toMatch(/retrying/);
    expect(result.stderr).not.toContain('certainly-wrong');
  });

  it('an unreachable server that serve retries prints progress while it waits', async () => {
    const retrying = createTempApp();
    expect((await dazzle(retrying, ['init'])).code).toBe(0);
    const config = join(retrying, 'dazzle.config.ts');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        "migrations: { dir: 'migrations' },",
        "migrations: { dir: 'migrations' },\n  database: { connectRetryMs: 2500 },",
      ),
    );
    const port = await findFreePort();
    const result = await dazzle(retrying, ['serve', '--port', '0'], {
      DATABASE_URL: `postgres://nobody:secret@127.0.0.1:${port}/none`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^Waiting for 127\\.0\\.0\\.1:${port} \\(connection refused\\), retrying for \\d+ s more…$`,
        'm',
      ),
    );
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(/^Error DATABASE_UNREACHABLE: .*after retrying for \d+ s/),
    ]);
    expect(result.stderr).not.toContain('secret');
  });
});

describe('a migrator connection killed while a revision runs', () => {
  let db: TestDatabase;
  let app: string;
  let revisionId: string;

  beforeAll(async () => {
    db = await createTestDatabase('cli_killed');
    app = createTempApp();
    expect((await dazzle(app, ['init'])).code).toBe(0);
    const env = { DATABASE_URL: db.url };
    expect((await dazzle(app, ['db', 'revision', '--empty', '-m', 'slow step'], env)).code).toBe(0);
    const dir = join(app, 'migrations');
    const name = readdirSync(dir).find((f) => f.endsWith('_slow_step.ts'))!;
    revisionId = name.replace(/\.ts$/, '');
    const file = join(dir, name);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'export async function up(db: QueryRunner): Promise<void> {\n  // Nothing to do.',
        'export async function up(db: QueryRunner): Promise<void> {\n  await db.query(`SELECT pg_sleep(60)`);',
      ),
    );
    expect((await dazzle(app, ['db', 'rehash'])).code).toBe(0);
  });
  afterAll(() => db.drop());

  it('reports the lost connection with a code and the revision, not "Query runner already released"', async () => {
    const child = spawn(process.execPath, [DAZZLE_BIN, 'db', 'upgrade'], {
      cwd: app,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const done = new Promise<CliResult>((resolve) => {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      let terminated = false;
      for (let attempt = 0; attempt < 600 && !terminated; attempt++) {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()`,
        );
        if (rows.length > 0) {
          await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
          terminated = true;
        } else await new Promise((r) => setTimeout(r, 100));
      }
      expect(terminated).toBe(true);
    } finally {
      await admin.end();
    }
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/already released|UNEXPECTED/);
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^Error DATABASE_CONNECTION_LOST: .*${revisionId}`)),
    ]);
  });
});
