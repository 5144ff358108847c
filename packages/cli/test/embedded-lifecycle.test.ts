import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  clusterDirOf,
  createTempApp,
  dazzle,
  embeddedServerPid,
  removeTempApps,
  serveApp,
  spawnDazzle,
} from './helpers/temp-app';

afterAll(removeTempApps, 60_000);

async function appWithNote(options: { closedParent?: boolean } = {}): Promise<string> {
  const app = createTempApp(options);
  expect((await dazzle(app, ['init'])).code).toBe(0);
  const revision = await dazzle(app, ['db', 'revision', '-m', 'init']);
  expect(revision.code, revision.stderr).toBe(0);
  return app;
}

function leases(app: string): string[] {
  const dir = join(app, '.dazzle', 'leases');
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('exit codes on the embedded default', () => {
  it('a failing command exits 1, and the server it started is stopped', async () => {
    const app = await appWithNote();
    const unknown = await dazzle(app, ['db', 'upgrade', 'bogus-target']);
    expect(unknown.stderr).toContain('Error UNKNOWN_TARGET');
    expect(unknown.code).toBe(1);
    const pending = await dazzle(app, ['db', 'check']);
    expect(pending.code, pending.stdout + pending.stderr).toBe(1);
    expect(embeddedServerPid(app)).toBeUndefined();
    expect(leases(app)).toEqual([]);
    expect(readdirSync(join(app, '.dazzle')).sort()).toEqual(['leases', 'postgres']); // no lock, no password file
  }, 300_000);
});

describe('an embedded PostgreSQL that cannot be set up', () => {
  it('fails in one line naming the folder, exit 1, no stack trace', async () => {
    const app = createTempApp();
    expect((await dazzle(app, ['init'])).code).toBe(0);
    writeFileSync(join(app, '.dazzle'), 'not a folder');
    const result = await dazzle(app, ['db', 'current']);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Error EMBEDDED_POSTGRES_FAILED: The embedded PostgreSQL in \S+\.dazzle\/postgres /,
    );
  }, 60_000);
});

describe.runIf(process.getuid?.() === 0)('as root, an app in a folder the postgres user cannot enter', () => {
  it('keeps the cluster under /var/lib/dazzle, points .dazzle/postgres there, and leaves no password file', async () => {
    const app = createTempApp({ closedParent: true });
    expect((await dazzle(app, ['init'])).code).toBe(0);
    const revision = await dazzle(app, ['db', 'revision', '-m', 'init']);
    expect(revision.code, revision.stderr).toBe(0);
    expect(revision.stderr).toContain(`The postgres user cannot enter ${app}`);
    expect(readdirSync(join(clusterDirOf(app), '..'))).toEqual(['postgres']);
    expect(revision.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const link = join(app, '.dazzle', 'postgres');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toMatch(/^\/var\/lib\/dazzle\/app-[0-9a-f]{8}\/postgres$/);
    expect(statSync(clusterDirOf(app)).mode & 0o777).toBe(0o700);

    const upgrade = await dazzle(app, ['db', 'upgrade']);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toMatch(/Applied 2 revisions/);
    expect(upgrade.stderr).not.toContain('Creating the embedded PostgreSQL');
    // The initdb password file lived next to the cluster and is gone.
    expect(readdirSync(join(clusterDirOf(app), '..'))).toEqual(['postgres']);
    expect(embeddedServerPid(app)).toBeUndefined();
  }, 300_000);
});

describe('who stops the embedded server', () => {
  it('after kill -9 of serve, the next command adopts the server it left and stops it when done', async () => {
    const app = await appWithNote();
    const serving = await serveApp(app);
    const postgres = embeddedServerPid(app);
    expect(postgres).toBeDefined();
    serving.child.kill('SIGKILL');
    await serving.exited;
    expect(embeddedServerPid(app)).toBe(postgres);

    const current = await dazzle(app, ['db', 'current']);
    expect(current.code, current.stderr).toBe(0);
    expect(current.stderr).toContain('Adopting the embedded PostgreSQL left running');
    expect(embeddedServerPid(app)).toBeUndefined();
    expect(leases(app)).toEqual([]);
  }, 300_000);

  it('a command run while serve runs shares its server and leaves it running', async () => {
    const app = await appWithNote();
    const serving = await serveApp(app);
    const postgres = embeddedServerPid(app);
    const current = await dazzle(app, ['db', 'current']);
    expect(current.code, current.stderr).toBe(0);
    expect(current.stderr).toContain('Using the embedded PostgreSQL already running');
    expect(embeddedServerPid(app)).toBe(postgres);
    expect((await fetch(`${serving.url}/api/note`)).status).toBe(200);

    serving.child.kill('SIGTERM');
    expect(await serving.exited).toEqual({ code: 0, signal: null });
    expect(embeddedServerPid(app)).toBeUndefined();
  }, 300_000);
});

describe('a command interrupted on the embedded default', () => {
  it('on Ctrl-C during a slow revision, stops the server it started and exits 130', async () => {
    const app = createTempApp();
    expect((await dazzle(app, ['init'])).code).toBe(0);
    expect((await dazzle(app, ['db', 'revision', '--empty', '-m', 'slow'])).code).toBe(0);
    const file = join(
      app,
      'migrations',
      readdirSync(join(app, 'migrations')).find((f) => f.endsWith('_slow.ts'))!,
    );
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('// Nothing to do.', "await db.query('SELECT pg_sleep(600)');"),
    );
    expect((await dazzle(app, ['db', 'rehash'])).code).toBe(0);

    const upgrade = spawnDazzle(app, ['db', 'upgrade']);
    let stderr = '';
    upgrade.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => upgrade.on('close', (code) => resolve(code)));
    while (!/→ app\s+\d{14}_slow/.test(stderr)) await new Promise((r) => setTimeout(r, 50));
    expect(embeddedServerPid(app)).toBeDefined();
    upgrade.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(embeddedServerPid(app)).toBeUndefined();
    expect(leases(app)).toEqual([]);
  }, 300_000);
});

describe('serve on the embedded default, stopped by a signal', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`on ${signal}, finishes the request in flight, stops PostgreSQL and exits 0`, async () => {
      const app = await appWithNote();
      const serving = await serveApp(app);
      const created = await fetch(`${serving.url}/api/note`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'before' }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const port = /127\.0\.0\.1:(\d+)\/dazzle/.exec(serving.stderr())![1];
      const locker = new pg.Client({
        connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/dazzle`,
      });
      locker.on('error', () => {});
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('SELECT * FROM note WHERE id = $1 FOR UPDATE', [id]);

      const patch = fetch(`${serving.url}/api/note/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'after' }),
      });
      // The PATCH is in flight once its UPDATE waits for our row lock.
      for (;;) {
        const { rows } = await locker.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = 'dazzle'",
        );
        if (rows[0].n > 0) break;
      }
      serving.child.kill(signal);
      while (!serving.stderr().includes('finishing in-flight requests'))
        await new Promise((r) => setTimeout(r, 20));
      await locker.query('COMMIT');
      await locker.end();

      const answer = await patch;
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { title: string }).title).toBe('after');
      expect(await serving.exited).toEqual({ code: 0, signal: null });
      expect(embeddedServerPid(app)).toBeUndefined();
    }, 300_000);
  }
});
