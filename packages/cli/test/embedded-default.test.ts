import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempApp, dazzle, removeTempApps } from './helpers/temp-app';

afterAll(removeTempApps, 60_000);

describe('the embedded default database', () => {
  it('starts a PostgreSQL under .dazzle/postgres when none is configured, and keeps its data between runs', async () => {
    const app = createTempApp();
    expect((await dazzle(app, ['init'])).code).toBe(0);
    const first = await dazzle(app, ['db', 'revision', '-m', 'init']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`Creating the embedded PostgreSQL in ${join(app, '.dazzle', 'postgres')}`);
    expect(first.stderr).toMatch(
      /Database: postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/dazzle .*\(embedded default\)/,
    );
    expect(existsSync(join(app, '.dazzle', 'postgres', 'PG_VERSION'))).toBe(true);

    expect((await dazzle(app, ['db', 'upgrade'])).code).toBe(0);
    const again = await dazzle(app, ['db', 'current', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('Creating the embedded PostgreSQL');
    expect(JSON.parse(again.stdout)).toMatchObject({ atHeads: true });
  }, 120_000);
});
