/**
 * `dazzle db upgrade --all` from the installed binary: a list file of three databases and one that
 * cannot be reached, a table per database, exit 1 because one failed, no password printed, and a
 * list that cannot be read refused before any database is touched (FLEET_SOURCE_INVALID).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, findFreePort, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { expectRefusal } from './harness/failures';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';

// URL only: a fleet is a list of database URLs; the embedded default is one database per app folder.
describe('dazzle db upgrade --all over a list of databases', () => {
  let app: string;
  const databases: TestDatabase[] = [];
  let list: string;
  let unreachable: string;

  beforeAll(async () => {
    app = newApp('fleet');
    for (let i = 0; i < 3; i++) databases.push(await createTestDatabase(`acc_fleet_${i}`));
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    const revision = await dazzle(app, ['db', 'revision', '-m', 'create item'], {
      DATABASE_URL: databases[0]!.url,
    });
    expect(revision.code, revision.stderr).toBe(0);
    const closed = new URL(databases[0]!.url);
    closed.port = String(await findFreePort());
    unreachable = closed.toString();
    list = join(app, 'tenants.txt');
    writeFileSync(list, `${[...databases.map((d) => d.url), unreachable].join('\n')}\n`);
  });
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it('upgrades every reachable database, lists each, and exits 1 for the one it could not reach', async () => {
    const run = await dazzle(app, ['db', 'upgrade', '--all', 'tenants.txt', '--concurrency', '2']);
    expect(run.code, run.stderr).toBe(1);
    const password = decodeURIComponent(new URL(databases[0]!.url).password);
    expect(`${run.stdout}${run.stderr}`).not.toContain(`:${password}@`);
    const rows = run.stdout.split('\n');
    expect(rows[0]).toMatch(/^DATABASE\s+RESULT\s+APPLIED/);
    expect(rows.filter((r) => /\supgraded\s/.test(r))).toHaveLength(3);
    expect(rows.find((r) => r.includes(`:${new URL(unreachable).port}/`))).toMatch(
      /FAILED.*DATABASE_UNREACHABLE/,
    );
    expect(run.stdout).toContain('4 databases: 3 upgraded, 1 failed.');
    for (const db of databases)
      expect(await queryDatabase(db.url, `SELECT to_regclass('item') IS NOT NULL AS made`)).toEqual([
        { made: true },
      ]);

    const rerun = await dazzle(app, ['db', 'current', '--all', 'tenants.txt', '--json']);
    expect(rerun.code).toBe(1);
    const doc = JSON.parse(rerun.stdout) as { failed: number; databases: Array<{ outcome: string }> };
    expect(doc.failed).toBe(1);
    expect(doc.databases.map((d) => d.outcome)).toEqual(['at-heads', 'at-heads', 'at-heads', 'failed']);
  });

  it('FLEET_SOURCE_INVALID: a list file that is not there; nothing runs', async () => {
    const line = expectRefusal(
      await dazzle(app, ['db', 'upgrade', '--all', 'tenant-list.txt']),
      'FLEET_SOURCE_INVALID',
    );
    expect(line).toContain('tenant-list.txt');
  });
});
