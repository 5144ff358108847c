import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempApp, DAZZLE_BIN, dazzle } from './helpers/temp-app';

/**
 * "Is the database in step with the code?" through the real binary: each state is run through
 * `db check`, `db current --json`, `serve --no-migrate` and `db upgrade`, and all four must give
 * the same answer; then the advice printed is followed, and it must never fail for the same reason.
 */

/** The code of the one `Error CODE:` line on stderr, or undefined when there is none. */
function errorCode(stderr: string): string | undefined {
  return /^Error ([A-Z_]+): /m.exec(stderr)?.[1];
}

interface Served {
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when it got as far as listening (it was then stopped with SIGTERM). */
  served: boolean;
}

/** Runs `serve --no-migrate --port 0`: either it refuses and exits, or it serves and is stopped. */
function serveNoMigrate(cwd: string, env: NodeJS.ProcessEnv): Promise<Served> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(
      process.execPath,
      [DAZZLE_BIN, 'serve', '--no-migrate', '--port', '0'],
      {
        cwd,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let served = false;
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (!served && stdout.includes('Serving on')) {
        served = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, served }));
  });
}

/** Writes a revision file by hand (as a merge of branches would bring one), for `rehash` to list. */
function writeHandRevision(dir: string, id: string, parent: string): void {
  writeFileSync(
    join(dir, `${id}.ts`),
    `import type { QueryRunner } from 'typeorm';

export const revision = { id: '${id}', parents: ['${parent}'], dependsOn: [], message: '${id}', transactional: true };

export async function up(db: QueryRunner): Promise<void> {
  await db.query('SELECT 1');
}

export async function down(db: QueryRunner): Promise<void> {
  await db.query('SELECT 1');
}
`,
  );
}

function appRevision(app: string): { id: string; file: string } {
  const name = readdirSync(join(app, 'migrations')).find((f) => /^\d{14}_init\.ts$/.test(f))!;
  return { id: name.replace(/\.ts$/, ''), file: join(app, 'migrations', name) };
}

interface StateCase {
  name: string;
  /** Puts the app folder and its (upgraded) database into the state. */
  arrange(app: string, url: string): Promise<void>;
  state: string;
  /** The code every refusing verb prints; undefined when in step. */
  code: string | undefined;
  /** Whether `db upgrade` resolves the state by itself (it does for pending revisions). */
  upgradeFixes: boolean;
}

const cases: StateCase[] = [
  { name: 'in step', arrange: async () => {}, state: 'in-step', code: undefined, upgradeFixes: true },
  {
    name: 'a pending revision',
    arrange: async (app) => {
      const { id } = appRevision(app);
      writeHandRevision(join(app, 'migrations'), '29990101000000_pending', id);
      expect((await dazzle(app, ['db', 'rehash'])).code).toBe(0);
    },
    state: 'pending',
    code: 'NOT_AT_HEADS',
    upgradeFixes: true,
  },
  {
    name: 'a ledger row the code does not know (database ahead)',
    arrange: async (_app, url) => {
      await queryDatabase(
        url,
        `INSERT INTO _dazzle_migrations (id, lineage, message, checksum, applied_by) VALUES ('29990101000000_from_the_future', 'app', 'x', repeat('0', 64), 'test')`,
      );
    },
    state: 'ahead',
    code: 'DATABASE_AHEAD',
    upgradeFixes: false,
  },
  {
    name: 'an applied revision edited, then rehashed',
    arrange: async (app) => {
      const { file } = appRevision(app);
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n// edited after it was applied\n`);
      expect((await dazzle(app, ['db', 'rehash'])).code).toBe(0);
    },
    state: 'checksum-changed',
    code: 'CHECKSUM_MISMATCH',
    upgradeFixes: false,
  },
  {
    name: 'an applied revision edited, not rehashed',
    arrange: async (app) => {
      const { file } = appRevision(app);
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n// edited after it was applied\n`);
    },
    state: 'manifest-mismatch',
    code: 'MANIFEST_MISMATCH',
    upgradeFixes: false,
  },
  {
    name: 'two heads in the app lineage',
    arrange: async (app) => {
      const { id } = appRevision(app);
      writeHandRevision(join(app, 'migrations'), '29990101000000_left', id);
      writeHandRevision(join(app, 'migrations'), '29990101000001_right', id);
      expect((await dazzle(app, ['db', 'rehash'])).code).toBe(0);
    },
    state: 'multiple-heads',
    code: 'MULTIPLE_HEADS',
    upgradeFixes: false,
  },
  {
    name: 'the manifest edited by hand',
    arrange: async (app) => {
      const { id } = appRevision(app);
      const file = join(app, 'migrations', 'manifest', `${id}.json`);
      const entry = JSON.parse(readFileSync(file, 'utf8')) as { checksum: string };
      writeFileSync(file, `${JSON.stringify({ ...entry, checksum: '0'.repeat(64) }, null, 2)}\n`);
    },
    state: 'manifest-mismatch',
    code: 'MANIFEST_MISMATCH',
    upgradeFixes: false,
  },
];

/** The first `dazzle …` command in a message, as argv (quoted words kept whole). */
function advisedCommand(message: string): string[] | undefined {
  const command = /`dazzle ([^`]+)`/.exec(message)?.[1];
  return command?.match(/"[^"]*"|\S+/g)?.map((word) => word.replace(/^"|"$/g, ''));
}

describe('every verb gives the same answer to "is the database in step with the code?"', () => {
  let template: string;
  const made: string[] = [];
  const databases: TestDatabase[] = [];

  beforeAll(async () => {
    const db = await createTestDatabase('cli_status_template');
    databases.push(db);
    template = createTempApp();
    made.push(template);
    expect((await dazzle(template, ['init'])).code).toBe(0);
    const revision = await dazzle(template, ['db', 'revision', '-m', 'init'], { DATABASE_URL: db.url });
    expect(revision.code, revision.stderr).toBe(0);
  });

  afterAll(async () => {
    for (const db of databases) await db.drop();
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it.each(cases)('$name: check, current --json, serve --no-migrate and upgrade agree', async (c) => {
    const db = await createTestDatabase(`cli_status_${c.state.replace(/-/g, '_')}`);
    databases.push(db);
    const env = { DATABASE_URL: db.url };
    const app = createTempApp();
    made.push(app);
    cpSync(join(template, 'migrations'), join(app, 'migrations'), { recursive: true });
    cpSync(join(template, 'src'), join(app, 'src'), { recursive: true });
    for (const file of ['dazzle.config.ts', 'tsconfig.json', 'package.json'])
      cpSync(join(template, file), join(app, file));
    const setup = await dazzle(app, ['db', 'upgrade'], env);
    expect(setup.code, setup.stderr).toBe(0);
    await c.arrange(app, db.url);

    const check = await dazzle(app, ['db', 'check'], env);
    const current = await dazzle(app, ['db', 'current', '--json'], env);
    const serve = await serveNoMigrate(app, env);
    const upgrade = await dazzle(app, ['db', 'upgrade'], env);

    // `current` reports: it exits 0 and names the state and the code the others refuse with.
    expect(current.code, current.stderr).toBe(0);
    const reported = JSON.parse(current.stdout) as { state: string; code: string | null; message: string };
    expect(reported.state).toBe(c.state);
    expect(reported.code).toBe(c.code ?? null);

    if (c.code === undefined) {
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(serve.served, serve.stderr).toBe(true);
      expect(upgrade.code).toBe(0);
      expect(upgrade.stdout).toContain('Nothing to do');
      return;
    }
    expect({ code: check.code, error: errorCode(check.stderr) }).toEqual({ code: 1, error: c.code });
    expect(serve.served, serve.stdout).toBe(false);
    expect({ code: serve.code, error: errorCode(serve.stderr) }).toEqual({ code: 1, error: c.code });
    expect(check.stderr).toContain(reported.message);
    expect(serve.stderr).toContain(reported.message);
    if (c.upgradeFixes) {
      expect(upgrade.code, upgrade.stderr).toBe(0);
    } else {
      expect({ code: upgrade.code, error: errorCode(upgrade.stderr) }).toEqual({ code: 1, error: c.code });
    }

    // Follow the advice: the command it names must not fail for the same reason again.
    let message = reported.message;
    let code: string | undefined = c.code;
    for (let step = 0; step < 4 && code !== undefined; step += 1) {
      const advised = advisedCommand(message);
      if (!advised) break; // advice with no command (deploy the newer code): nothing to run here
      const ran = await dazzle(app, advised, env);
      expect(errorCode(ran.stderr), `${advised.join(' ')} after ${code}`).not.toBe(code);
      const after = JSON.parse((await dazzle(app, ['db', 'current', '--json'], env)).stdout) as {
        code: string | null;
        message: string;
      };
      expect(after.code, `${advised.join(' ')} left the same state`).not.toBe(code);
      code = after.code ?? undefined;
      message = after.message;
    }
    if (c.state !== 'ahead') {
      expect(code, message).toBeUndefined();
      const checked = await dazzle(app, ['db', 'check'], env);
      expect(checked.code, checked.stderr).toBe(0);
    }
  });
});
