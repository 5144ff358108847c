import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, writeFiles } from './harness/app';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { installOwnApp, packageCopies } from './harness/own-install';
import { LOWEST_SUPPORTED } from './harness/supported-versions';

describe(`an app on the lowest supported peers (typeorm ${LOWEST_SUPPORTED.typeorm}, pg ${LOWEST_SUPPORTED.pg})`, () => {
  let app: string;
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    app = installOwnApp('lowest-peers', {
      packages: ['@app/cli'],
      registry: { ...LOWEST_SUPPORTED, typescript: '5.9.3' },
    });
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    db = await createTestDatabase('lowest_peers');
    env = { DATABASE_URL: db.url };
  }, 600_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('gets one copy of TypeORM, the app’s own, with every peer satisfied', () => {
    const copies = packageCopies(app, 'typeorm');
    expect(copies).toEqual([join(app, 'node_modules', 'typeorm')]);
    const version = (
      JSON.parse(readFileSync(join(copies[0]!, 'package.json'), 'utf8')) as { version: string }
    ).version;
    expect(version).toBe(LOWEST_SUPPORTED.typeorm);
    // npm ls exits non-zero on a missing or invalid peer anywhere in the tree.
    const listed = spawnSync('npm', ['ls', 'typeorm', 'pg', '--all'], { cwd: app, encoding: 'utf8' });
    expect(listed.status, listed.stdout + listed.stderr).toBe(0);
    expect(listed.stdout).not.toMatch(/invalid|UNMET/);
  });

  it('type-checks assigning our DataSource to the app’s own TypeORM type', () => {
    writeFileSync(
      join(app, 'typecheck.ts'),
      `import { openDataSource } from '@app/migrator';
import type { DataSource } from 'typeorm';

export function open(url: string): Promise<DataSource> {
  return openDataSource(url);
}
`,
    );
    const tsc = spawnSync(
      join(app, 'node_modules', '.bin', 'tsc'),
      [
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        'node16',
        '--moduleResolution',
        'node16',
        'typecheck.ts',
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  });

  it('writes, applies and checks a revision through the binary', async () => {
    const revision = await dazzle(app, ['db', 'revision', '-m', 'create item'], env);
    expect(revision.code, revision.stderr).toBe(0);
    expect(revision.stdout).toMatch(/Wrote .*create_item\.ts/);
    const upgrade = await dazzle(app, ['db', 'upgrade'], env);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    const check = await dazzle(app, ['db', 'check'], env);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('OK: the database is at heads');
    const columns = await queryDatabase<{ column_name: string }>(
      db.url,
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'item' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => c.column_name)).toEqual(['id', 'name', 'code']);
  });
});
