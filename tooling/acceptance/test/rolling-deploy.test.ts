// A rolling deploy of the example app, done as docs/guides/deploying.md teaches: a column renamed in
// two releases. Release N serves under load while release 1 migrates the expand step, then release
// 1 serves under load while release 2 migrates the contract step; no request may fail. Then both
// downs run on the rows written meanwhile. The code blocks are read from the guide itself, so the
// guide cannot drift from what works.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, type Serving, startServe } from './harness/app';
import { expectSuccess } from './harness/failures';
import { revisionFile } from './harness/revisions';

const REPO = join(import.meta.dirname, '..', '..', '..');
const GUIDE = readFileSync(join(REPO, 'docs', 'guides', 'deploying.md'), 'utf8');

/** The code block that follows `<!-- walkthrough:<name> -->` in the deploying guide. */
function guideBlock(name: string): string {
  const at = GUIDE.indexOf(`<!-- walkthrough:${name} -->`);
  const block = /```ts\n([\s\S]*?)```/.exec(GUIDE.slice(at));
  if (at < 0 || !block) throw new Error(`docs/guides/deploying.md has no walkthrough block ${name}`);
  return block[1] as string;
}

/** Every path in an app folder but its installed packages. */
function listing(app: string): string[] {
  return readdirSync(app, { recursive: true, encoding: 'utf8' })
    .filter((path) => !path.startsWith('node_modules'))
    .sort();
}

function edit(file: string, change: (text: string) => string): void {
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`nothing changed in ${file}`);
  writeFileSync(file, after);
}

/** Replaces a generated revision's up() and down() by the guide's. */
function useGuideRevision(file: string, block: string): void {
  edit(file, (text) => text.slice(0, text.indexOf('export async function up')) + block);
}

interface Load {
  ok: number;
  /** Tenants the load created (each POST answered 201). */
  created: number;
  failures: string[];
  perTarget: Map<string, number>;
  inFlight: Map<string, number>;
}

/**
 * A bounded load on loopback: `workers` loops, one request at a time each, alternately creating a
 * tenant and listing tenants, against whichever targets are in `targets` when the request starts
 * (taking a target out is how a load balancer drains a pod).
 */
function startLoad(targets: string[], workers: number) {
  const load: Load = { ok: 0, created: 0, failures: [], perTarget: new Map(), inFlight: new Map() };
  let running = true;
  let turn = 0;
  const request = async (base: string, n: number) => {
    const response =
      n % 2 === 0
        ? await fetch(`${base}/api/tenant`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: `load ${n}` }),
          })
        : await fetch(`${base}/api/tenant?limit=5`);
    const body = await response.text();
    if (response.status >= 300) throw new Error(`${base}: ${response.status} ${body}`);
    if (n % 2 === 0) load.created += 1;
  };
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const n = turn++;
      const base = targets[n % targets.length] as string;
      load.inFlight.set(base, (load.inFlight.get(base) ?? 0) + 1);
      try {
        await request(base, n);
        load.ok += 1;
        load.perTarget.set(base, (load.perTarget.get(base) ?? 0) + 1);
      } catch (error) {
        load.failures.push((error as Error).message);
      } finally {
        load.inFlight.set(base, (load.inFlight.get(base) ?? 1) - 1);
      }
    }
  });
  const until = async (test: () => boolean) => {
    while (!test() && load.failures.length === 0) await new Promise((r) => setTimeout(r, 20));
  };
  return {
    load,
    until,
    answered: (base: string) => load.perTarget.get(base) ?? 0,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Takes a release out of the load balancer, lets its requests finish, stops it; its exit code. */
async function retire(
  serving: Serving,
  targets: string[],
  traffic: ReturnType<typeof startLoad>,
): Promise<number | null> {
  targets.splice(targets.indexOf(serving.url), 1);
  await traffic.until(() => (traffic.load.inFlight.get(serving.url) ?? 0) === 0);
  serving.child.kill('SIGTERM');
  return (await serving.ended).code;
}

// URL only: releases in different folders share one database, while the embedded default is one
// database per app folder, stopped when that folder's last command ends.
describe('a rolling deploy of the example app', () => {
  let db: TestDatabase;
  const running: Serving[] = [];
  afterAll(async () => {
    for (const serving of running) if (serving.child.exitCode === null) serving.child.kill('SIGKILL');
    await db?.drop();
  });

  it('renames a column in two releases, each migrating while the previous one serves under load', async () => {
    db = await createTestDatabase('rolling');
    const env = { DATABASE_URL: db.url };
    const ok = async (app: string, args: string[]) => expectSuccess(await dazzle(app, args, env), args);

    // Release N: the example as it is.
    const releaseN = newApp('release-n');
    for (const part of ['dazzle.config.ts', 'src', 'migrations'])
      cpSync(join(REPO, 'apps', 'invoice-ops', part), join(releaseN, part), { recursive: true });
    await ok(releaseN, ['db', 'upgrade']);

    // Release 1 (expand), written as the guide says.
    const release1 = newApp('release-1');
    cpSync(releaseN, release1, { recursive: true, filter: (path) => !path.endsWith('node_modules') });
    edit(join(release1, 'src', 'entities', 'tenant.ts'), (text) =>
      text.replace(
        "  @Column({ type: 'varchar', length: 120 })\n  name: string;\n",
        guideBlock('release-1-entity'),
      ),
    );
    await ok(release1, ['db', 'revision', '-m', 'add tenant legal_name']);
    useGuideRevision(revisionFile(release1, 'add_tenant_legal_name'), guideBlock('release-1-revision'));
    await ok(release1, ['db', 'rehash']);

    // Release 2 (contract): the old column leaves the entity.
    const release2 = newApp('release-2');
    cpSync(release1, release2, { recursive: true, filter: (path) => !path.endsWith('node_modules') });
    edit(join(release2, 'src', 'entities', 'tenant.ts'), (text) =>
      text.replace(/\n {2}\/\*\* The old column[^\n]*\n[^\n]*\n[^\n]*legacyName\?: string;\n/, ''),
    );
    await ok(release2, ['db', 'revision', '-m', 'drop tenant name', '--allow-destructive']);
    useGuideRevision(revisionFile(release2, 'drop_tenant_name'), guideBlock('release-2-revision'));
    await ok(release2, ['db', 'rehash']);

    // The recipe runs replicas on a read-only file system: serving on a URL must write nothing.
    const filesOfN = listing(releaseN);
    const n = await startServe(releaseN, ['--no-migrate'], env);
    running.push(n);
    const targets = [n.url];
    const traffic = startLoad(targets, 4);
    try {
      await traffic.until(() => traffic.answered(n.url) >= 20);
      const nBefore = traffic.answered(n.url);
      const r1 = await startServe(release1, [], env); // migrates the expand step
      running.push(r1);
      const nDuring = traffic.answered(n.url) - nBefore;
      targets.push(r1.url);
      await traffic.until(() => traffic.answered(r1.url) >= 20);
      expect(await retire(n, targets, traffic)).toBe(0);
      expect(listing(releaseN)).toEqual(filesOfN);

      const r1Before = traffic.answered(r1.url);
      const r2 = await startServe(release2, [], env); // migrates the contract step
      running.push(r2);
      const r1During = traffic.answered(r1.url) - r1Before;
      targets.push(r2.url);
      await traffic.until(() => traffic.answered(r2.url) >= 20);
      await traffic.stop();

      expect(traffic.load.failures).toEqual([]);
      // The load overlapped each migration: the serving release answered while the next migrated.
      expect(nDuring).toBeGreaterThan(0);
      expect(r1During).toBeGreaterThan(0);
      for (const serving of [r1, r2]) serving.child.kill('SIGTERM');
      expect((await r1.ended).code).toBe(0);
      expect((await r2.ended).code).toBe(0);
      for (const serving of [r1, r2]) expect((await serving.ended).stderr).toMatch(/Applied 1 revision/);
    } finally {
      await traffic.stop();
    }

    const tenants = async () =>
      (await queryDatabase<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM tenant'))[0]?.n;
    const ledger = async () =>
      (await queryDatabase<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM "_dazzle_migrations"'))[0]
        ?.n;
    // The framework's baseline, the example's six revisions, and the two releases'.
    expect(await ledger()).toBe(9);
    const written = await tenants();
    expect(written).toBe(traffic.load.created);

    // Backwards, on the rows written by all three releases: each down keeps every name.
    await ok(release2, ['db', 'downgrade', '-1']);
    expect(
      await queryDatabase(
        db.url,
        'SELECT count(*)::int AS n FROM tenant WHERE "name" IS DISTINCT FROM "legal_name"',
      ),
    ).toEqual([{ n: 0 }]);
    // Release 1's down drops legal_name, whose values are all still in name: the count is printed,
    // and the drop must be acknowledged.
    const refused = await dazzle(release2, ['db', 'downgrade', '-1'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/DOWNGRADE_DESTROYS_DATA/);
    expect(refused.stderr).toMatch(/"tenant"\."legal_name"/);
    const reverted = await ok(release2, ['db', 'downgrade', '-1', '--allow-destructive']);
    expect(reverted.stdout + reverted.stderr).toMatch(/legal_name/);
    expect(await ledger()).toBe(7);
    expect(await queryDatabase(db.url, 'SELECT count(*)::int AS n FROM tenant WHERE "name" IS NULL')).toEqual(
      [{ n: 0 }],
    );
    expect(await tenants()).toBe(written);
    await ok(releaseN, ['db', 'check']);
  });
});
