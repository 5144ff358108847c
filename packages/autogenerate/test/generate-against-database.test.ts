import { buildMetadata } from '@app/metadata-builder';
import { Migrator, type MigratorError } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRevision } from '../src';
import { tempDir } from './helpers/revision-folders';

@Entity('parcel')
class ParcelV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 40 }) label: string;
}
@Entity('parcel')
class ParcelV2 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 80 }) label: string;
  @Column({ type: 'integer', nullable: true }) weight: number | null;
}

describe('revision --against database', () => {
  let db: TestDatabase;
  let dir: string;
  const sources = () => [{ lineage: 'app' as const, dir }];
  const generate = (
    entity: typeof ParcelV1 | typeof ParcelV2,
    against: 'shadow' | 'database',
    message: string,
  ) =>
    generateRevision({
      serverUrl: db.url,
      sources: sources(),
      metadata: buildMetadata({ entities: [entity], framework: { enabled: false } }),
      lineage: 'app',
      message,
      against,
    });

  beforeAll(async () => {
    db = await createTestDatabase('against_db');
    dir = tempDir('dazzle-against-');
    await generate(ParcelV1, 'shadow', 'parcels');
    const migrator = await Migrator.connect({ databaseUrl: db.url, sources: sources() });
    await migrator.upgrade();
    await migrator.close();
  });
  afterAll(() => db.drop());

  it('diffs a copy of the database at its heads, with the same result as a shadow replay, and leaves it untouched', async () => {
    const viaDatabase = await generate(ParcelV2, 'database', 'bigger labels and weight');
    expect(viaDatabase.up.map((s) => s.sql)).toEqual([
      'ALTER TABLE "parcel" ALTER COLUMN "label" TYPE character varying(80) USING "label"::character varying(80)',
      'ALTER TABLE "parcel" ADD "weight" integer',
    ]);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(
      `SELECT character_maximum_length AS n FROM information_schema.columns WHERE table_name = 'parcel' AND column_name = 'label'`,
    );
    await client.end();
    expect(rows).toEqual([{ n: 40 }]);
  });

  it('refuses when the database is not at its heads', async () => {
    const error = (await generate(ParcelV2, 'database', 'again').catch((e: unknown) => e)) as MigratorError;
    expect(error.code).toBe('NOT_AT_HEADS');
    expect(error.message).toMatch(/pending: \d{14}_bigger_labels_and_weight.*dazzle db upgrade/);
  });

  it('says what to do when other sessions hold the database open', async () => {
    const migrator = await Migrator.connect({ databaseUrl: db.url, sources: sources() });
    await migrator.upgrade();
    await migrator.close();
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      const error = (await generate(ParcelV2, 'database', 'nothing').catch(
        (e: unknown) => e,
      )) as MigratorError;
      expect(error.code).toBe('SHADOW_CLONE_FAILED');
      expect(error.message).toMatch(/other sessions are connected/);
    } finally {
      await holder.end();
    }
  });
});
