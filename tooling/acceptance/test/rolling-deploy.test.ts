// A rolling deploy of the example app: release N keeps serving under load while release N+1's
// `dazzle serve` migrates an additive revision under the lock; no request of N may fail, and N+1
// serves the new column once it is up.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, type Serving, startServe } from './harness/app';

const EXAMPLE = join(import.meta.dirname, '..', '..', '..', 'apps', 'invoice-ops');

/** The example app as its author has it: config, entities and committed revisions. */
function exampleRelease(label: string): string {
  const app = newApp(label);
  for (const part of ['dazzle.config.ts', 'src', 'migrations'])
    cpSync(join(EXAMPLE, part), join(app, part), { recursive: true });
  return app;
}

interface Load {
  ok: number;
  failures: string[];
  /** Requests that completed, counted per target URL. */
  perTarget: Map<string, number>;
}

/**
 * A bounded load on loopback: `workers` loops, each creating a tenant and listing tenants, one
 * request at a time, against whichever targets are in `targets` at that moment.
 */
function startLoad(targets: string[], workers: number): { load: Load; stop: () => Promise<void> } {
  const load: Load = { ok: 0, failures: [], perTarget: new Map() };
  let running = true;
  let turn = 0;
  const once = async (base: string) => {
    const name = `load ${turn++}`;
    const created = await fetch(`${base}/api/tenant`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    if (created.status !== 201 && created.status !== 200)
      throw new Error(`POST ${base}/api/tenant: ${created.status} ${await created.text()}`);
    await created.arrayBuffer();
    const listed = await fetch(`${base}/api/tenant?limit=5`);
    if (listed.status !== 200)
      throw new Error(`GET ${base}/api/tenant: ${listed.status} ${await listed.text()}`);
    await listed.arrayBuffer();
  };
  const loops = Array.from({ length: workers }, async (_unused, worker) => {
    while (running) {
      const base = targets[(worker + turn) % targets.length] as string;
      try {
        await once(base);
        load.ok += 1;
        load.perTarget.set(base, (load.perTarget.get(base) ?? 0) + 1);
      } catch (error) {
        load.failures.push((error as Error).message);
      }
    }
  });
  return {
    load,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function stop(serving: Serving): Promise<number | null> {
  serving.child.kill('SIGTERM');
  return (await serving.ended).code;
}

describe('a rolling deploy of the example app', () => {
  let db: TestDatabase;
  afterAll(async () => {
    await db?.drop();
  });

  it('keeps release N answering while release N+1 migrates an additive revision', async () => {
    db = await createTestDatabase('rolling');
    const env = { DATABASE_URL: db.url };

    const releaseN = exampleRelease('release-n');
    expect((await dazzle(releaseN, ['db', 'upgrade'], env)).code).toBe(0);

    // Release N+1: the author adds a nullable column and generates its revision before shipping.
    const releaseN1 = exampleRelease('release-n1');
    const tenant = join(releaseN1, 'src', 'entities', 'tenant.ts');
    writeFileSync(
      tenant,
      readFileSync(tenant, 'utf8').replace(
        '  @CreateDateColumn',
        "  @Column({ type: 'varchar', length: 200, nullable: true })\n  website: string | null;\n\n  @CreateDateColumn",
      ),
    );
    const revision = await dazzle(releaseN1, ['db', 'revision', '-m', 'add tenant website'], env);
    expect(revision.code, revision.stderr).toBe(0);

    const n = await startServe(releaseN, ['--no-migrate'], env);
    const targets = [n.url];
    const { load, stop: stopLoad } = startLoad(targets, 4);
    try {
      // Let the load settle on N, then deploy N+1 while it runs.
      while (load.ok < 20 && load.failures.length === 0) await new Promise((r) => setTimeout(r, 20));
      const beforeDeploy = load.perTarget.get(n.url) ?? 0;
      const n1 = await startServe(releaseN1, [], env);
      const duringDeploy = (load.perTarget.get(n.url) ?? 0) - beforeDeploy;
      targets.push(n1.url);
      const created = await fetch(`${n1.url}/api/tenant`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Acme', website: 'https://acme.example' }),
      });
      expect(created.status).toBe(201);
      while ((load.perTarget.get(n1.url) ?? 0) < 10 && load.failures.length === 0)
        await new Promise((r) => setTimeout(r, 20));
      await stopLoad();

      expect(load.failures).toEqual([]);
      // The load really overlapped the migration: N answered while N+1 was migrating.
      expect(duringDeploy).toBeGreaterThan(0);
      expect(await stop(n)).toBe(0);
      expect(await stop(n1)).toBe(0);
      expect((await n1.ended).stdout + (await n1.ended).stderr).toMatch(/Applied 1 revision/);
    } finally {
      await stopLoad();
      if (n.child.exitCode === null) n.child.kill('SIGKILL');
    }

    const ledger = await queryDatabase(db.url, 'SELECT count(*)::int AS n FROM "_dazzle_migrations"');
    // The framework's baseline, the example's six revisions, and release N+1's.
    expect(ledger[0]).toEqual({ n: 8 });
    const website = await queryDatabase(db.url, "SELECT website FROM tenant WHERE name = 'Acme'");
    expect(website).toEqual([{ website: 'https://acme.example' }]);
    const loadRows = await queryDatabase(
      db.url,
      "SELECT count(*)::int AS n FROM tenant WHERE name LIKE 'load %'",
    );
    expect(loadRows[0]).toEqual({ n: load.ok });
  });
});
