import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import {
  createTestDatabase,
  dockerEngineUnavailableReason,
  maskPassword,
  startContainerServer,
} from '../src/index.js';

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
  it('names the provider it chose for this run', () => {
    expect(['environment', 'testcontainers', 'embedded']).toContain(inject('dazzlePostgresProvider'));
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
