import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { adminUrl, createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { itemEntity } from './harness/fixtures';
import { revisionFiles } from './harness/revisions';

/** The config an app on a managed server has: the shadow server named by SHADOW_URL when set. */
const CONFIG_WITH_SHADOW_URL = `import { defineConfig } from '@app/cli';
import { Item } from './src/item';

export default defineConfig({
  entities: [Item],
  database: process.env.SHADOW_URL ? { shadowUrl: process.env.SHADOW_URL } : {},
});
`;

const keptShadows = async () =>
  (
    await queryDatabase<{ name: string }>(
      adminUrl(),
      `SELECT datname AS name FROM pg_database WHERE datname LIKE 'dazzle\\_cache\\_%'`,
    )
  ).map((r) => r.name);

describe('an app whose database role has no CREATEDB, and kept shadows pruned', () => {
  const role = `app_${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let appUrl: string;
  let app: string;

  beforeAll(async () => {
    db = await createTestDatabase('acceptance_shadow_url');
    await queryDatabase(adminUrl(), `CREATE ROLE ${role} LOGIN PASSWORD 'app-secret' NOCREATEDB`);
    await queryDatabase(adminUrl(), `ALTER DATABASE "${db.name}" OWNER TO ${role}`);
    await queryDatabase(db.url, `ALTER SCHEMA public OWNER TO ${role}`);
    const url = new URL(db.url);
    url.username = role;
    url.password = 'app-secret';
    appUrl = url.toString();
    app = newApp('shadow-url');
    writeFiles(app, { 'dazzle.config.ts': CONFIG_WITH_SHADOW_URL, 'src/item.ts': itemEntity() });
  });
  afterAll(async () => {
    await db.drop();
    await queryDatabase(adminUrl(), `DROP ROLE IF EXISTS ${role}`);
  });

  it('without database.shadowUrl, revision fails with one line naming it, and writes nothing', async () => {
    const result = await dazzle(app, ['db', 'revision', '-m', 'create item'], { DATABASE_URL: appUrl });
    expect(result.code).toBe(1);
    const lines = result.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('Database:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Error SHADOW_NEEDS_CREATEDB: .*may not create databases.*`database\.shadowUrl`/,
    );
    expect(lines[0]).not.toContain('app-secret');
    expect(existsSync(join(app, 'migrations')) ? revisionFiles(app) : []).toEqual([]);
  });

  it('with database.shadowUrl on a role that has CREATEDB, revision and upgrade work', async () => {
    const env = { DATABASE_URL: appUrl, SHADOW_URL: adminUrl() };
    const revision = await dazzle(app, ['db', 'revision', '-m', 'create item'], env);
    expect(revision.code, revision.stderr).toBe(0);
    expect((await dazzle(app, ['db', 'upgrade'], env)).code).toBe(0);
    const tables = await queryDatabase<{ owner: string }>(
      db.url,
      `SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'item'`,
    );
    expect(tables).toEqual([{ owner: role }]);
    expect((await keptShadows()).length).toBeGreaterThan(0);
  });

  it("db shadow prune drops this project's kept shadows and says which (--json)", async () => {
    const env = { DATABASE_URL: appUrl, SHADOW_URL: adminUrl() };
    const before = await keptShadows();
    const pruned = await dazzle(app, ['db', 'shadow', 'prune', '--json'], env);
    expect(pruned.code, pruned.stderr).toBe(0);
    const { dropped } = JSON.parse(pruned.stdout) as { dropped: string[] };
    expect(dropped.length).toBe(1);
    expect(before).toContain(dropped[0]);
    expect(await keptShadows()).not.toContain(dropped[0]);

    const again = await dazzle(app, ['db', 'shadow', 'prune'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Dropped 0 kept shadow databases on /m);
  });
});
