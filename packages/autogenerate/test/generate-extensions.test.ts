import { readFileSync, rmSync } from 'node:fs';
import { buildMetadata } from '@app/metadata-builder';
import { compareCatalogs, formatDifference, Migrator, snapshotCatalog } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision, writeRevision } from '../src';
import { sql } from './helpers/catalog';
import { withMigrator } from './helpers/migrator';
import { tempDir } from './helpers/revision-folders';

@Entity('member')
class Member {
  @PrimaryGeneratedColumn() id: number;
  @Column('citext') email: string;
  @Column({ type: 'uuid', default: () => 'uuid_generate_v1mc()' }) token: string;
  @Column({ type: 'bytea', default: () => 'gen_random_bytes(8)' }) salt: Buffer;
  @Column({ type: 'uuid', default: () => 'gen_random_uuid()' }) ref: string;
}

const metadata = buildMetadata({ entities: [Member], framework: { enabled: false } });

describe('extensions a column type or a default needs', () => {
  let replayed: TestDatabase;
  let created: TestDatabase;
  const dir = tempDir('dazzle-extensions-');
  const sources = [{ lineage: 'app' as const, dir }];
  const migrate = (url: string, work: (m: Migrator) => Promise<unknown>) => withMigrator(url, sources, work);
  const extensions = async (url: string) =>
    (
      await sql<{ extname: string }>(
        url,
        `SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`,
      )
    ).map((r) => r.extname);

  beforeAll(async () => {
    [replayed, created] = await Promise.all([
      createTestDatabase('ext_replayed'),
      createTestDatabase('ext_created'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([replayed.drop(), created.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the revision creates citext, pgcrypto and uuid-ossp before the table, and drops them in its down', async () => {
    const { revision, up, down } = await generateRevision({
      serverUrl: replayed.url,
      sources,
      metadata,
      lineage: 'app',
      message: 'members',
    });
    expect(up.map((s) => s.sql).slice(0, 4)).toEqual([
      'CREATE EXTENSION IF NOT EXISTS "citext"',
      'CREATE EXTENSION IF NOT EXISTS "pgcrypto"',
      'CREATE EXTENSION IF NOT EXISTS "uuid-ossp"',
      expect.stringMatching(/^CREATE TABLE "member"/),
    ]);
    expect(down.map((s) => s.sql).slice(-3)).toEqual([
      'DROP EXTENSION IF EXISTS "citext"',
      'DROP EXTENSION IF EXISTS "pgcrypto"',
      'DROP EXTENSION IF EXISTS "uuid-ossp"',
    ]);
    expect(readFileSync(revision!.file, 'utf8')).toContain('Down proven on the shadow with a row in member');
    await migrate(replayed.url, (m) => m.upgrade());
    expect(await extensions(replayed.url)).toEqual(['citext', 'pgcrypto', 'uuid-ossp']);
    expect(await findSchemaDrift({ serverUrl: replayed.url, sources, metadata })).toEqual([]);
  });

  it('create-all creates the same extensions and table as replay', async () => {
    const result = (await migrate(created.url, (m) => m.upgrade({ createAllFrom: metadata.entities }))) as {
      method: string;
    };
    expect(result.method).toBe('create-all');
    expect(await extensions(created.url)).toEqual(['citext', 'pgcrypto', 'uuid-ossp']);
    const [a, b] = await Promise.all([snapshotCatalog(replayed.url), snapshotCatalog(created.url)]);
    expect(compareCatalogs(a, b).map(formatDifference)).toEqual([]);
    await sql(created.url, `INSERT INTO member (email) VALUES ('Ann@Example.com')`);
    expect(
      await sql(created.url, `SELECT count(*)::int AS n FROM member WHERE email = 'ann@example.com'`),
    ).toEqual([{ n: 1 }]);
  });

  it('create-all also creates an extension a revision made that no entity needs any more, as replay does', async () => {
    const kept = tempDir('dazzle-extensions-kept-');
    const keptSources = [{ lineage: 'app' as const, dir: kept }];
    writeRevision({
      dir: kept,
      lineage: 'app',
      message: 'ltree for a column since removed',
      parents: [],
      up: [{ sql: 'CREATE EXTENSION IF NOT EXISTS "ltree"' }],
      down: [{ sql: 'DROP EXTENSION IF EXISTS "ltree"' }],
    });
    const [byReplay, byCreateAll] = await Promise.all([
      createTestDatabase('ext_kept_replayed'),
      createTestDatabase('ext_kept_created'),
    ]);
    const upgrade = (url: string, createAllFrom?: []) =>
      withMigrator(url, keptSources, (m) => m.upgrade(createAllFrom ? { createAllFrom } : {}));
    try {
      await upgrade(byReplay.url);
      expect((await upgrade(byCreateAll.url, [])).method).toBe('create-all');
      expect(await extensions(byCreateAll.url)).toEqual(['ltree']);
      const [a, b] = await Promise.all([snapshotCatalog(byReplay.url), snapshotCatalog(byCreateAll.url)]);
      expect(compareCatalogs(a, b).map(formatDifference)).toEqual([]);
    } finally {
      await Promise.all([byReplay.drop(), byCreateAll.drop()]);
      rmSync(kept, { recursive: true, force: true });
    }
  });
});
