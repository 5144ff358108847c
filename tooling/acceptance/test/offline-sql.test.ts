import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';

const HAS_PSQL = spawnSync('psql', ['--version']).status === 0;

describe('db upgrade --sql --from-base', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it('renders a script that psql applies to an empty database, after which check passes', async () => {
    const authoring = await createTestDatabase('acceptance_offline_src');
    const target = await createTestDatabase('acceptance_offline_dst');
    databases.push(authoring, target);
    const app = newApp('offline');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    expect(
      (await dazzle(app, ['db', 'revision', '-m', 'create item'], { DATABASE_URL: authoring.url })).code,
    ).toBe(0);

    const first = await dazzle(app, ['db', 'upgrade', '--sql', '--from-base'], { DATABASE_URL: target.url });
    expect(first.code, first.stderr).toBe(0);
    const second = await dazzle(app, ['db', 'upgrade', '--sql', '--from-base'], { DATABASE_URL: target.url });
    expect(second.stdout, 'the script is the same from run to run').toBe(first.stdout);
    expect(first.stdout).not.toContain(String(process.pid));
    const script = join(app, 'upgrade.sql');
    writeFileSync(script, first.stdout);

    if (HAS_PSQL) {
      execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', target.url, '-f', script], {
        encoding: 'utf8',
      });
    } else {
      await queryDatabase(target.url, first.stdout);
    }
    expect(await queryDatabase(target.url, "SELECT to_regclass('public.item')::text AS t")).toEqual([
      { t: 'item' },
    ]);
    const check = await dazzle(app, ['db', 'check'], { DATABASE_URL: target.url });
    expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
    const upgrade = await dazzle(app, ['db', 'upgrade'], { DATABASE_URL: target.url });
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout).toMatch(/Nothing to do/);
  });
});
