import { rmSync } from 'node:fs';
import { buildMetadata, type EntityClass } from '@app/metadata-builder';
import { compareCatalogs, formatDifference, Migrator, snapshotCatalog } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Entity, JoinColumn, ManyToOne, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision } from '../src';
import { sql } from './helpers/catalog';
import { withMigrator } from './helpers/migrator';
import { tempDir } from './helpers/revision-folders';

@Entity('profile')
class Profile {
  @PrimaryGeneratedColumn() id: number;
}
@Entity('account')
class AccountV1 {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Profile) @JoinColumn() profile: Profile;
}
@Entity('account')
class AccountRenamed {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Profile) @JoinColumn({ name: 'main_profile_id' }) profile: Profile;
}
@Entity('account')
class AccountManyToOne {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Profile) @JoinColumn({ name: 'main_profile_id' }) profile: Profile;
}

const metadataOf = (account: EntityClass) =>
  buildMetadata({ entities: [Profile, account], framework: { enabled: false } });
const uniques = async (url: string) =>
  (
    await sql<{ name: string }>(
      url,
      `SELECT conname AS name FROM pg_constraint WHERE conrelid = 'account'::regclass AND contype = 'u'`,
    )
  ).map((r) => r.name);

describe('renaming a one-to-one join column', () => {
  let replayed: TestDatabase;
  let created: TestDatabase;
  const dir = tempDir('dazzle-relation-renames-');
  const sources = [{ lineage: 'app' as const, dir }];
  const migrate = (url: string, work: (m: Migrator) => Promise<unknown>) => withMigrator(url, sources, work);
  const generate = (account: EntityClass, message: string, allowDestructive = false) =>
    generateRevision({
      serverUrl: replayed.url,
      sources,
      metadata: metadataOf(account),
      lineage: 'app',
      message,
      allowDestructive,
      renames: [{ kind: 'column', table: 'account', from: 'profileId', to: 'main_profile_id' }],
    });

  beforeAll(async () => {
    [replayed, created] = await Promise.all([
      createTestDatabase('rel_replayed'),
      createTestDatabase('rel_created'),
    ]);
    await generate(AccountV1, 'accounts');
    await migrate(replayed.url, (m) => m.upgrade());
    await sql(replayed.url, 'INSERT INTO profile DEFAULT VALUES');
    await sql(replayed.url, `INSERT INTO account ("profileId") VALUES (1)`);
  });
  afterAll(async () => {
    await Promise.all([replayed.drop(), created.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('renames the unique constraint with the foreign key, to the name a fresh build gives it', async () => {
    const before = await uniques(replayed.url);
    const { up, down } = await generate(AccountRenamed, 'rename profile column');
    const renamesUnique = up.find((s) => s.sql.includes(`RENAME CONSTRAINT "${before[0]}"`));
    expect(renamesUnique?.sql).toMatch(/^ALTER TABLE "account" RENAME CONSTRAINT "REL_\w+" TO "REL_\w+"$/);
    expect(down.some((s) => s.sql.endsWith(`TO "${before[0]}"`))).toBe(true);
    await migrate(replayed.url, (m) => m.upgrade());
    expect(
      await findSchemaDrift({ serverUrl: replayed.url, sources, metadata: metadataOf(AccountRenamed) }),
    ).toEqual([]);
    // A database built from the entities as they are now: the same constraint names as replay.
    await migrate(created.url, async (m) => {
      await m.createAll(metadataOf(AccountRenamed).entities);
      await m.stamp('heads');
    });
    const [a, b] = await Promise.all([snapshotCatalog(replayed.url), snapshotCatalog(created.url)]);
    expect(compareCatalogs(a, b).map(formatDifference)).toEqual([]);
  });

  it('a later change to the relation drops a unique constraint both databases have', async () => {
    const { up } = await generate(AccountManyToOne, 'profile shared', true);
    const dropped = up.filter((s) => /DROP CONSTRAINT "REL_/.test(s.sql));
    expect(dropped).toHaveLength(1);
    for (const url of [replayed.url, created.url]) {
      await migrate(url, (m) => m.upgrade());
      expect(await uniques(url)).toEqual([]);
    }
    expect(await sql(replayed.url, 'SELECT main_profile_id FROM account')).toEqual([{ main_profile_id: 1 }]);
  });
});
