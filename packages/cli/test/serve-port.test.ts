import { createServer, type Server } from 'node:net';
import { createTestDatabase, findFreePort, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempApp, dazzle } from './helpers/temp-app';

async function rowsOf(url: string, table: string): Promise<number> {
  const [{ exists }] = (await queryDatabase<{ exists: boolean }>(
    url,
    'SELECT to_regclass($1) IS NOT NULL AS "exists"',
    [`"${table}"`],
  )) as [{ exists: boolean }];
  if (!exists) return 0;
  const [{ n }] = (await queryDatabase<{ n: string }>(url, `SELECT count(*) AS n FROM "${table}"`)) as [
    { n: string },
  ];
  return Number(n);
}

describe('dazzle serve on a port that is taken', () => {
  let db: TestDatabase;
  let app: string;
  let blocker: Server;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase('cli_serve_port');
    app = createTempApp();
    expect((await dazzle(app, ['init'])).code).toBe(0);
    expect((await dazzle(app, ['db', 'revision', '-m', 'init'], { DATABASE_URL: db.url })).code).toBe(0);
    port = await findFreePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
    await db.drop();
  });

  it('refuses before migrating: SERVER_PORT_IN_USE, exit 1, no ledger or deploy-history rows', async () => {
    const result = await dazzle(app, ['serve', '--port', String(port)], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('Error'));
    expect(errors).toEqual([
      expect.stringMatching(new RegExp(`^Error SERVER_PORT_IN_USE: .*127\\.0\\.0\\.1:${port}.*--port`)),
    ]);
    expect(result.stderr).not.toMatch(/UNEXPECTED|Applying/);
    expect(await rowsOf(db.url, '_dazzle_migrations')).toBe(0);
    expect(await rowsOf(db.url, 'deploy_history')).toBe(0);
  });

  it('the same port through PORT is refused the same way', async () => {
    const result = await dazzle(app, ['serve'], { DATABASE_URL: db.url, PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error SERVER_PORT_IN_USE: .*PORT/m);
    expect(await rowsOf(db.url, '_dazzle_migrations')).toBe(0);
  });
});
