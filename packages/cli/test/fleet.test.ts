import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, findFreePort, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainApp } from './helpers/chain-app';
import { dazzle, removeTempApps } from './helpers/temp-app';

/**
 * `dazzle db upgrade|check|current --all` over 50 databases on one server, through the built
 * binary: three made to fail (unreachable, ahead of the code, an applied revision's checksum
 * changed), every outcome asserted per database, a rerun that only touches the database not at
 * heads, no password in any output, and the catalog-query form of the list.
 */

interface FleetDocument {
  ok: boolean;
  verb: string;
  total: number;
  failed: number;
  databases: Array<{
    database: string;
    outcome: string;
    state: string | null;
    revisions: number;
    code: string | null;
    message: string | null;
  }>;
}

const GOOD = 47;

describe('a fleet of 50 databases', () => {
  const databases: TestDatabase[] = [];
  let app: string;
  let ids: string[];
  let list: string;
  let urls: string[];
  let unreachable: string;
  let password: string;
  let ahead: TestDatabase;
  let changed: TestDatabase;
  let behind: TestDatabase;

  beforeAll(async () => {
    ({ app, ids } = chainApp(
      Array.from({ length: 3 }, (_, i) => ({
        message: `step ${i}`,
        up: [`CREATE TABLE IF NOT EXISTS s${i} (id int)`],
      })),
    ));
    // Eight at a time: CREATE DATABASE from template0 runs side by side.
    for (let i = 0; i < GOOD + 2; i += 8)
      databases.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(8, GOOD + 2 - i) }, (_, j) => createTestDatabase(`fleet_${i + j}`)),
        )),
      );
    [ahead, changed, behind] = [databases[GOOD]!, databases[GOOD + 1]!, databases[3]!];
    password = decodeURIComponent(new URL(databases[0]!.url).password);
    const closed = new URL(databases[0]!.url);
    closed.port = String(await findFreePort());
    unreachable = closed.toString();
    urls = [...databases.map((d) => d.url), unreachable];
    list = join(app, 'tenants.txt');
    writeFileSync(list, `# one database per tenant\n${urls.join('\n')}\n\n`);
  }, 180_000);

  afterAll(async () => {
    for (const db of databases) await db.drop();
    await removeTempApps();
  });

  const byUrl = (doc: FleetDocument, url: string) => {
    const masked = new URL(url);
    if (masked.password) masked.password = '***';
    return doc.databases.find((d) => d.database === masked.toString());
  };

  it('current --all before: every reachable database pending, the unreachable one failed', async () => {
    const run = await dazzle(app, ['db', 'current', '--all', list, '--json']);
    expect(run.code, run.stderr).toBe(1);
    const doc = JSON.parse(run.stdout) as FleetDocument;
    expect(doc).toMatchObject({ ok: false, verb: 'current', total: 50, failed: 1 });
    for (const db of databases)
      expect(byUrl(doc, db.url)).toMatchObject({ outcome: 'pending', state: 'pending', revisions: 3 });
    expect(byUrl(doc, unreachable)).toMatchObject({ outcome: 'failed', code: 'DATABASE_UNREACHABLE' });
  }, 180_000);

  it('upgrade --all: 49 upgraded, the unreachable one failed, exit 1, passwords masked', async () => {
    const run = await dazzle(app, ['db', 'upgrade', '--all', list, '--concurrency', '8', '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain(`:${password}@`);
    const doc = JSON.parse(run.stdout) as FleetDocument;
    const failures = doc.databases
      .filter((d) => d.outcome === 'failed')
      .map((d) => `${d.code}: ${d.message}`);
    expect(doc, failures.join('\n')).toMatchObject({ ok: false, verb: 'upgrade', total: 50, failed: 1 });
    for (const db of databases)
      expect(byUrl(doc, db.url)).toMatchObject({ outcome: 'upgraded', revisions: 3 });
    expect(byUrl(doc, unreachable)).toMatchObject({ outcome: 'failed', code: 'DATABASE_UNREACHABLE' });
    for (const db of [databases[0]!, databases[GOOD - 1]!])
      expect(await queryDatabase(db.url, 'SELECT id FROM _dazzle_migrations ORDER BY id')).toEqual(
        ids.map((id) => ({ id })),
      );
  }, 240_000);

  it('a rerun touches only the database behind; ahead, changed checksum and unreachable fail; table and exit 1', async () => {
    await queryDatabase(
      ahead.url,
      `INSERT INTO _dazzle_migrations (id, lineage, message, checksum, applied_by) VALUES ('29990101000000_from_the_future', 'app', 'x', repeat('0', 64), 'test')`,
    );
    await queryDatabase(
      changed.url,
      `UPDATE _dazzle_migrations SET checksum = repeat('f', 64) WHERE id = $1`,
      [ids[0]],
    );
    await queryDatabase(behind.url, 'DELETE FROM _dazzle_migrations WHERE id = $1', [ids[2]]);
    const tokenOf = async (url: string) =>
      (
        await queryDatabase<{ token: string }>(
          url,
          'SELECT token::text AS token FROM _dazzle_migration_lease',
        )
      )[0]?.token;
    const untouched = databases[10]!;
    const tokenBefore = await tokenOf(untouched.url);

    const run = await dazzle(app, ['db', 'upgrade', '--all', list, '--concurrency', '16']);
    expect(run.code, run.stderr).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain(`:${password}@`);
    const rows = run.stdout.split('\n');
    expect(rows[0]).toMatch(/^DATABASE\s+RESULT\s+APPLIED\s+MS\s+DETAIL$/);
    const rowOf = (url: string) => rows.find((r) => r.startsWith(url.replace(`:${password}@`, ':***@')))!;
    expect(rowOf(behind.url)).toMatch(/\supgraded\s+1\s/);
    expect(rowOf(ahead.url)).toMatch(/\sFAILED\s+0\s+\d+\s+DATABASE_AHEAD: /);
    expect(rowOf(changed.url)).toMatch(/\sFAILED\s+0\s+\d+\s+CHECKSUM_MISMATCH: /);
    expect(rowOf(unreachable)).toMatch(/\sFAILED\s+0\s+\d+\s+DATABASE_UNREACHABLE: /);
    expect(rows.filter((r) => /\sat heads\s+0\s/.test(r))).toHaveLength(GOOD - 1);
    expect(run.stdout).toContain('50 databases: 1 upgraded, 46 at heads, 3 failed.');
    // At heads costs the no-op check only: the lease was never taken again.
    expect(await tokenOf(untouched.url)).toBe(tokenBefore);
    expect(await queryDatabase(behind.url, 'SELECT count(*)::int AS n FROM _dazzle_migrations')).toEqual([
      { n: 3 },
    ]);
  }, 240_000);

  it('check --all agrees, and the catalog-query form reads the list from a database', async () => {
    const check = await dazzle(app, ['db', 'check', '--all', list, '--json']);
    expect(check.code).toBe(1);
    const doc = JSON.parse(check.stdout) as FleetDocument;
    expect(doc.failed).toBe(3);
    expect(byUrl(doc, ahead.url)).toMatchObject({
      outcome: 'failed',
      state: 'ahead',
      code: 'DATABASE_AHEAD',
    });
    expect(byUrl(doc, changed.url)).toMatchObject({
      outcome: 'failed',
      state: 'checksum-changed',
      code: 'CHECKSUM_MISMATCH',
    });
    expect(byUrl(doc, databases[0]!.url)).toMatchObject({ outcome: 'at-heads', state: 'in-step' });

    const catalog = databases[0]!;
    await queryDatabase(catalog.url, 'CREATE TABLE tenant_databases (url text, active boolean)');
    for (const [i, db] of databases.slice(0, 5).entries())
      await queryDatabase(catalog.url, 'INSERT INTO tenant_databases VALUES ($1, $2)', [db.url, i < 3]);
    const fromCatalog = await dazzle(app, [
      'db',
      'current',
      '--all',
      catalog.url,
      '--all-query',
      'SELECT url FROM tenant_databases WHERE active ORDER BY url',
      '--json',
    ]);
    expect(fromCatalog.code, fromCatalog.stderr).toBe(0);
    const listed = JSON.parse(fromCatalog.stdout) as FleetDocument;
    expect(listed).toMatchObject({ ok: true, total: 3, failed: 0 });
    expect(listed.databases.every((d) => d.outcome === 'at-heads')).toBe(true);
  }, 240_000);

  it('a list that cannot be read stops before any database: FLEET_SOURCE_INVALID', async () => {
    const run = await dazzle(app, ['db', 'upgrade', '--all', 'no-such-list.txt']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^Error FLEET_SOURCE_INVALID: Could not read the database list .*no-such-list\.txt/m,
    );
    const noQuery = await dazzle(app, ['db', 'upgrade', '--all', databases[0]!.url]);
    expect(noQuery.code).toBe(1);
    expect(noQuery.stderr).toMatch(/^Error FLEET_SOURCE_INVALID: .*--all-query/m);
    expect(noQuery.stderr).not.toContain(`:${password}@`);
  });
});
