import { frameworkMigrationsDir } from '@app/entities-framework';
import { buildMetadata } from '@app/metadata-builder';
import { Migrator } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerIds, schemaSnapshot, sql } from './helpers/catalog';

const framework = [{ lineage: 'framework' as const, dir: frameworkMigrationsDir }];
const entities = buildMetadata({}).entities;

describe('create-all and stamp', () => {
  let replayed: TestDatabase;
  let created: TestDatabase;

  beforeAll(async () => {
    [replayed, created] = await Promise.all([createTestDatabase('replayed'), createTestDatabase('created')]);
  });
  afterAll(async () => {
    await Promise.all([replayed.drop(), created.drop()]);
  });

  it('gives the same framework schema as replaying every framework revision, names included', async () => {
    const viaReplay = await Migrator.connect({ databaseUrl: replayed.url, sources: framework });
    const viaCreate = await Migrator.connect({ databaseUrl: created.url, sources: framework });
    try {
      expect((await viaReplay.upgrade()).method).toBe('replay');
      const result = await viaCreate.upgrade({ createAllFrom: entities });
      expect(result.method).toBe('create-all');
      expect(await ledgerIds(created.url)).toEqual(await ledgerIds(replayed.url));
      const [a, b] = await Promise.all([schemaSnapshot(replayed.url), schemaSnapshot(created.url)]);
      expect(a.columns!.length).toBeGreaterThan(40);
      expect(b).toEqual(a);
      const methods = await sql<{ method: string }>(
        created.url,
        'SELECT DISTINCT method FROM _dazzle_migrations',
      );
      expect(methods).toEqual([{ method: 'create-all' }]);
    } finally {
      await viaReplay.close();
      await viaCreate.close();
    }
  });

  it('creates only missing tables and never alters an existing one', async () => {
    const migrator = await Migrator.connect({ databaseUrl: created.url, sources: framework });
    try {
      await sql(created.url, 'DROP TABLE session_info');
      await sql(created.url, 'ALTER TABLE ai_job DROP COLUMN user_id');
      const statements = await migrator.createAll(entities);
      expect(statements.some((s) => s.startsWith('CREATE TABLE "session_info"'))).toBe(true);
      expect(statements.join('\n')).not.toContain('"ai_job"');
      expect(
        await sql(
          created.url,
          `SELECT 1 FROM information_schema.columns WHERE table_name = 'ai_job' AND column_name = 'user_id'`,
        ),
      ).toEqual([]);
      expect(await migrator.createAll(entities)).toEqual([]);
    } finally {
      await migrator.close();
    }
  });
});
