import { buildMetadata } from '@app/metadata-builder';
import { type CatalogSnapshot, compareCatalogs, snapshotCatalog } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision, keptShadowName } from '../src';
import { sql } from './helpers/catalog';
import { tempDir } from './helpers/revision-folders';

@Entity('crate')
class CrateV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column() label: string;
}

@Entity('crate')
class CrateV2 {
  @PrimaryGeneratedColumn() id: number;
  @Column() label: string;
  @Column({ nullable: true }) weight: number;
}

interface StoredCatalog {
  shadow: string;
  server: string;
  catalog: CatalogSnapshot;
}

describe('the catalog a kept shadow stores', () => {
  let db: TestDatabase;
  let serverVersion: string;
  const urlOf = (name: string) => db.url.replace(/\/[^/]+$/, `/${name}`);
  const metadata = (entity: typeof CrateV1 | typeof CrateV2) =>
    buildMetadata({ entities: [entity], framework: { enabled: false } });
  const generate = (dir: string, entity: typeof CrateV1 | typeof CrateV2, message: string) =>
    generateRevision({
      serverUrl: db.url,
      sources: [{ lineage: 'app', dir }],
      metadata: metadata(entity),
      lineage: 'app',
      message,
    });
  const stored = async (name: string): Promise<StoredCatalog> => {
    const [row] = await sql<{ text: string }>(
      urlOf(name),
      `SELECT obj_description('"_dazzle_migrations"'::regclass, 'pg_class') AS text`,
    );
    return JSON.parse(row!.text) as StoredCatalog;
  };
  const store = (name: string, value: StoredCatalog) =>
    sql(urlOf(name), `COMMENT ON TABLE "_dazzle_migrations" IS $$${JSON.stringify(value)}$$`);
  /** The stored catalog of the project's kept shadow at its heads, checked against a fresh reading. */
  const expectStoredToMatchReading = async (dir: string): Promise<CatalogSnapshot> => {
    const name = keptShadowName([{ lineage: 'app', dir }]);
    const kept = await stored(name);
    expect(kept.shadow).toBe(name);
    expect(kept.server).toBe(serverVersion);
    expect(compareCatalogs(kept.catalog, await snapshotCatalog(urlOf(name)))).toEqual([]);
    return kept.catalog;
  };

  beforeAll(async () => {
    db = await createTestDatabase('kept_catalog');
    const [row] = await sql<{ v: string }>(db.url, `SELECT current_setting('server_version_num') AS v`);
    serverVersion = row!.v;
  });
  afterAll(() => db.drop());

  it('is written when the kept shadow is built and when a revision run keeps a revision, and equals a fresh reading', async () => {
    const dir = tempDir('dazzle-kept-catalog-');
    await findSchemaDrift({
      serverUrl: db.url,
      sources: [{ lineage: 'app', dir }],
      metadata: metadata(CrateV1),
    });
    expect((await expectStoredToMatchReading(dir)).columns).toEqual([]);

    expect((await generate(dir, CrateV1, 'crates')).revision).toBeDefined();
    const first = await expectStoredToMatchReading(dir);
    expect(first.columns.map((c) => `${c.table}.${c.column}`)).toEqual(['crate.id', 'crate.label']);

    expect((await generate(dir, CrateV2, 'crate weight')).revision).toBeDefined();
    const second = await expectStoredToMatchReading(dir);
    expect(second.columns.map((c) => c.column)).toEqual(['id', 'label', 'weight']);
  });

  it('is what revision takes as the catalog at the heads, when it names this kept shadow and server version', async () => {
    const dir = tempDir('dazzle-kept-catalog-');
    await generate(dir, CrateV1, 'crates');
    const name = keptShadowName([{ lineage: 'app', dir }]);
    const truth = await stored(name);
    // A catalog without the crate table: a down that restores the heads would not match it.
    const withoutCrate = { ...truth.catalog, columns: [] };
    await store(name, { ...truth, catalog: withoutCrate });
    const misled = await generate(dir, CrateV2, 'crate weight');
    expect(misled.notes).toContain('Down NOT proven: see the hand-fill step in down().');
    expect(misled.down[0]!.handFill).toMatch(/crate/);
    // Not kept (a hand-fill step): the connection opened early for the rename is closed too.
    const early = await sql(
      db.url,
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'dazzle kept shadow rename'`,
    );
    expect(early).toEqual([]);
  });

  it.each([
    ['another kept shadow', (s: StoredCatalog) => ({ ...s, shadow: `${s.shadow}x` })],
    ['another server version', (s: StoredCatalog) => ({ ...s, server: '90600' })],
  ])('is read afresh when the stored one names %s', async (_, mislabel) => {
    const dir = tempDir('dazzle-kept-catalog-');
    await generate(dir, CrateV1, 'crates');
    const name = keptShadowName([{ lineage: 'app', dir }]);
    const truth = await stored(name);
    await store(name, mislabel({ ...truth, catalog: { ...truth.catalog, columns: [] } }));
    const result = await generate(dir, CrateV2, 'crate weight');
    expect(result.notes.some((n) => n.startsWith('Down proven on the shadow'))).toBe(true);
    expect(result.down.every((s) => s.handFill === undefined)).toBe(true);
    await expectStoredToMatchReading(dir);
  });
});
