import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempApp, dazzle } from './helpers/temp-app';

describe('secrets in database URLs never reach the output', () => {
  let db: TestDatabase;
  let app: string;

  beforeAll(async () => {
    db = await createTestDatabase('cli_secrets');
    app = createTempApp();
    expect((await dazzle(app, ['init'])).code).toBe(0);
  });
  afterAll(() => db.drop());

  it('masks a password given as ?password= in the query', async () => {
    const result = await dazzle(app, ['db', 'current'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none?password=hunter2secret',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error DATABASE_UNREACHABLE: /m);
    expect(result.stderr + result.stdout).not.toContain('hunter2secret');
  });

  it('masks the query password on the "Database:" line of a working URL', async () => {
    const url = new URL(db.url);
    const password = decodeURIComponent(url.password);
    url.password = '';
    url.searchParams.set('password', password);
    const result = await dazzle(app, ['db', 'heads'], { DATABASE_URL: url.toString() });
    const current = await dazzle(app, ['db', 'current'], { DATABASE_URL: url.toString() });
    expect(result.code).toBe(0);
    expect(current.code).toBe(0);
    expect(current.stderr).toMatch(/Database: .*password=\*\*\*/);
    if (password) expect(current.stderr + current.stdout).not.toContain(`password=${password}`);
  });

  it('a malformed % escape in the password is DATABASE_URL_INVALID, one line, masked', async () => {
    const result = await dazzle(app, ['db', 'current'], {
      DATABASE_URL: 'postgres://user:p%zzsecret@127.0.0.1:1/none',
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Error DATABASE_URL_INVALID: .*%/);
    expect(result.stderr).not.toContain('zzsecret');
  });
});
