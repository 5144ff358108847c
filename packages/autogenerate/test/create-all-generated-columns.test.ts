import { rmSync } from 'node:fs';
import { buildMetadata } from '@app/metadata-builder';
import { compareCatalogs, formatDifference, Migrator, snapshotCatalog } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRevision } from '../src';
import { sql } from './helpers/catalog';
import { tempDir } from './helpers/revision-folders';

@Entity('priced_line')
class PricedLine {
  @PrimaryGeneratedColumn() id: number;
  @Column('int') price: number;
  @Column('int') qty: number;
  @Column({ type: 'int', generatedType: 'STORED', asExpression: '"price" * "qty"' }) total: number;
}
const metadata = buildMetadata({ entities: [PricedLine], framework: { enabled: false } });

describe('create-all with a stored generated column', () => {
  let replayed: TestDatabase;
  let created: TestDatabase;
  const dir = tempDir('dazzle-create-all-generated-');
  const sources = [{ lineage: 'app' as const, dir }];
  const upgrade = async (url: string, createAllFrom?: typeof metadata.entities) => {
    const migrator = await Migrator.connect({ databaseUrl: url, sources });
    try {
      return await migrator.upgrade(createAllFrom ? { createAllFrom } : {});
    } finally {
      await migrator.close();
    }
  };

  beforeAll(async () => {
    [replayed, created] = await Promise.all([
      createTestDatabase('gen_replayed'),
      createTestDatabase('gen_created'),
    ]);
    await generateRevision({ serverUrl: replayed.url, sources, metadata, lineage: 'app', message: 'lines' });
  });
  afterAll(async () => {
    await Promise.all([replayed.drop(), created.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes TypeORM's typeorm_metadata row for the expression as replay does", async () => {
    expect((await upgrade(replayed.url)).method).toBe('replay');
    expect((await upgrade(created.url, metadata.entities)).method).toBe('create-all');
    expect(await sql(created.url, `SELECT type, "table", name FROM typeorm_metadata ORDER BY name`)).toEqual([
      { type: 'GENERATED_COLUMN', table: 'priced_line', name: 'total' },
    ]);
    const [a, b] = await Promise.all([snapshotCatalog(replayed.url), snapshotCatalog(created.url)]);
    expect(compareCatalogs(a, b).map(formatDifference)).toEqual([]);
  });
});
