import { rmSync } from 'node:fs';
import { frameworkMigrationsDir } from '@app/entities-framework';
import { buildMetadata } from '@app/metadata-builder';
import {
  compareCatalogs,
  formatDifference,
  Migrator,
  readRevisionGraph,
  snapshotCatalog,
} from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerIds, sql } from './helpers/catalog';
import { tempDir, writeChain } from './helpers/revision-folders';

/** Every catalog difference between two databases, one line each (empty when they are the same). */
async function catalogDifferences(expectedUrl: string, actualUrl: string): Promise<string[]> {
  const [a, b] = await Promise.all([snapshotCatalog(expectedUrl), snapshotCatalog(actualUrl)]);
  return compareCatalogs(a, b).map(formatDifference);
}

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
      const snapshot = await snapshotCatalog(replayed.url);
      expect(Object.keys(snapshot.table).length).toBeGreaterThan(3);
      expect(Object.keys(snapshot.index).length).toBeGreaterThan(3);
      expect(await catalogDifferences(replayed.url, created.url)).toEqual([]);
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

describe('create-all with revisions the entities do not describe', () => {
  let replayed: TestDatabase;
  let created: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    [replayed, created] = await Promise.all([
      createTestDatabase('hand_replayed'),
      createTestDatabase('hand_created'),
    ]);
    dir = tempDir();
    writeChain(dir, 'app', [
      {
        message: 'active jobs view',
        dependsOn: readRevisionGraph(framework).heads('framework'),
        up: [`CREATE VIEW active_jobs AS SELECT id FROM ai_job WHERE status = 'running'`],
      },
      {
        message: 'touch function and trigger',
        up: [
          `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
          `CREATE TRIGGER deploy_touch BEFORE UPDATE ON deploy_history FOR EACH ROW EXECUTE FUNCTION touch()`,
          `COMMENT ON VIEW active_jobs IS 'jobs still running'`,
        ],
      },
    ]);
  });
  afterAll(async () => {
    await Promise.all([replayed.drop(), created.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('replays instead, says why, and builds the same database as replay', async () => {
    const sources = [...framework, { lineage: 'app' as const, dir }];
    const viaReplay = await Migrator.connect({ databaseUrl: replayed.url, sources });
    const viaCreate = await Migrator.connect({ databaseUrl: created.url, sources });
    try {
      await viaReplay.upgrade();
      const result = await viaCreate.upgrade({ createAllFrom: entities });
      expect(result.method).toBe('replay');
      expect(result.createAllDeclined).toMatch(/revision \d{14}_active_jobs_view runs View/);
      expect(await sql(created.url, `SELECT 1 FROM pg_views WHERE viewname = 'active_jobs'`)).toHaveLength(1);
      expect(await catalogDifferences(replayed.url, created.url)).toEqual([]);
    } finally {
      await viaReplay.close();
      await viaCreate.close();
    }
  });

  it('sees column order, views, functions, triggers and comments in the comparison', async () => {
    await sql(created.url, 'ALTER TABLE deploy_history ADD COLUMN late int');
    await sql(created.url, 'DROP TRIGGER deploy_touch ON deploy_history');
    await sql(
      created.url,
      `CREATE OR REPLACE VIEW active_jobs AS SELECT id FROM ai_job WHERE status <> 'running'`,
    );
    await sql(created.url, `COMMENT ON VIEW active_jobs IS 'changed'`);
    await sql(created.url, `CREATE FUNCTION extra() RETURNS int LANGUAGE sql AS 'SELECT 1'`);
    const differences = await catalogDifferences(replayed.url, created.url);
    expect(differences).toEqual([
      expect.stringMatching(/^differs {2}table deploy_history: found late integer$/),
      expect.stringMatching(/^differs {2}view active_jobs: expected .*'running'.*; found .*<> 'running'/),
      expect.stringMatching(/^extra {4}function extra\(\): CREATE OR REPLACE FUNCTION/),
      expect.stringMatching(/^missing {2}trigger deploy_history.deploy_touch: CREATE TRIGGER deploy_touch/),
      expect.stringMatching(/^differs {2}comment active_jobs: expected jobs still running; found changed$/),
    ]);
  });
});
