import { rmSync } from 'node:fs';
import { buildMetadata, type EntityClass } from '@app/metadata-builder';
import { compareCatalogs, formatDifference, snapshotCatalog } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision } from '../src';
import { schemaChangesSince, sql } from './helpers/catalog';
import { withMigrator } from './helpers/migrator';
import { tempDir } from './helpers/revision-folders';

@Entity('badge')
class Badge {
  @PrimaryGeneratedColumn() id: number;
}
@Entity('holder')
class Holder {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Badge, { nullable: true }) @JoinColumn() badge: Badge | null;
}
@Entity('bearer')
class Bearer {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Badge, { nullable: true }) @JoinColumn() badge: Badge | null;
}

const metadataOf = (owner: EntityClass) =>
  buildMetadata({ entities: [Badge, owner], framework: { enabled: false } });
const relationUniques = async (url: string, table: string) =>
  (
    await sql<{ name: string }>(
      url,
      `SELECT conname AS name FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'u'`,
      [table],
    )
  ).map((r) => r.name);

describe('renaming the table of a one-to-one', () => {
  let replayed: TestDatabase;
  let created: TestDatabase;
  const dir = tempDir('dazzle-table-rename-relations-');
  const sources = [{ lineage: 'app' as const, dir }];

  beforeAll(async () => {
    [replayed, created] = await Promise.all([
      createTestDatabase('tbl_rel_replayed'),
      createTestDatabase('tbl_rel_created'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([replayed.drop(), created.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('renames its unique constraint to the name a fresh build gives it, and back in the down', async () => {
    await generateRevision({
      serverUrl: replayed.url,
      sources,
      metadata: metadataOf(Holder),
      lineage: 'app',
      message: 'holders',
    });
    await withMigrator(replayed.url, sources, (m) => m.upgrade());
    await sql(replayed.url, `INSERT INTO badge DEFAULT VALUES; INSERT INTO holder ("badgeId") VALUES (1)`);
    const [old] = await relationUniques(replayed.url, 'holder');
    const before = await snapshotCatalog(replayed.url);

    const { up, down } = await generateRevision({
      serverUrl: replayed.url,
      sources,
      metadata: metadataOf(Bearer),
      lineage: 'app',
      message: 'holder becomes bearer',
      renames: [{ kind: 'table', table: 'bearer', from: 'holder', to: 'bearer' }],
    });
    expect(up.map((s) => s.sql)).toContainEqual(
      expect.stringMatching(new RegExp(`^ALTER TABLE "bearer" RENAME CONSTRAINT "${old}" TO "REL_\\w+"$`)),
    );
    expect(down.some((s) => s.sql.endsWith(`TO "${old}"`))).toBe(true);
    await withMigrator(replayed.url, sources, (m) => m.upgrade());
    expect(await sql(replayed.url, 'SELECT "badgeId" FROM bearer')).toEqual([{ badgeId: 1 }]);
    expect(await findSchemaDrift({ serverUrl: replayed.url, sources, metadata: metadataOf(Bearer) })).toEqual(
      [],
    );

    // Built from the entities as they are now: the same catalog, constraint names included.
    await withMigrator(created.url, sources, async (m) => {
      await m.createAll(metadataOf(Bearer).entities);
      await m.stamp('heads');
    });
    const [a, b] = await Promise.all([snapshotCatalog(replayed.url), snapshotCatalog(created.url)]);
    expect(compareCatalogs(a, b).map(formatDifference)).toEqual([]);

    await withMigrator(replayed.url, sources, (m) => m.downgrade('-1'));
    expect(await schemaChangesSince(before, replayed.url)).toEqual([]);
    expect(await relationUniques(replayed.url, 'holder')).toEqual([old]);
  });
});
