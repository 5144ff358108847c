import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import {
  chooseServer,
  createTestDatabase,
  dockerEngineUnavailableReason,
  maskPassword,
  startContainerServer,
} from '../src/index.js';
import { serverFromEnvironment } from '../src/providers/from-environment.js';

async function currentDatabase(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
    return rows[0]!.name;
  } finally {
    await client.end();
  }
}

describe('test database provider', () => {
  it('chose the provider the run environment selects', async () => {
    const fromEnvironment = serverFromEnvironment(process.env);
    const expected = fromEnvironment
      ? 'environment'
      : (await dockerEngineUnavailableReason())
        ? 'embedded'
        : 'testcontainers';
    expect(inject('dazzlePostgresProvider')).toBe(expected);
    expect(await currentDatabase(inject('dazzlePostgresAdminUrl'))).toBeTruthy();
  });

  it('takes the server named by TEST_DATABASE_URL first, then DATABASE_URL, and starts nothing', async () => {
    const both = await chooseServer({
      TEST_DATABASE_URL: 'postgres://app:s3cret@tests:5432/postgres',
      DATABASE_URL: 'postgres://app:s3cret@app:5432/postgres',
    });
    expect(both.skipped).toEqual([]);
    expect(both.server.provider).toBe('environment');
    expect(both.server.adminUrl).toBe('postgres://app:s3cret@tests:5432/postgres');
    expect(both.server.description).toBe(
      'server from TEST_DATABASE_URL (postgres://app:***@tests:5432/postgres)',
    );

    const appOnly = await chooseServer({ DATABASE_URL: 'postgres://app@app:5432/postgres' });
    expect(appOnly.server.adminUrl).toBe('postgres://app@app:5432/postgres');
    expect(appOnly.server.description).toBe('server from DATABASE_URL (postgres://app@app:5432/postgres)');
  });

  it('gives each suite a database of its own', async () => {
    const [a, b] = await Promise.all([createTestDatabase('one'), createTestDatabase('two')]);
    try {
      expect(a.name).not.toBe(b.name);
      expect(await currentDatabase(a.url)).toBe(a.name);
      expect(await currentDatabase(b.url)).toBe(b.name);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });

  it('drops the database it created', async () => {
    const db = await createTestDatabase('dropped');
    await db.drop();
    await expect(currentDatabase(db.url)).rejects.toThrow(/does not exist/);
  });

  it('masks passwords in printed URLs', () => {
    expect(maskPassword('postgres://app:s3cret@db:5432/x')).toBe('postgres://app:***@db:5432/x');
  });

  it('starts PostgreSQL in a container when a Docker engine answers', async (context) => {
    const unavailable = await dockerEngineUnavailableReason();
    if (unavailable) {
      context.skip(`skipped: ${unavailable}; the embedded provider runs instead`);
      return;
    }
    const server = await startContainerServer();
    try {
      expect(await currentDatabase(server.adminUrl)).toBe('test');
    } finally {
      await server.stop();
    }
  }, 180_000);
});
