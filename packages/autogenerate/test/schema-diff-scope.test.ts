import { buildMetadata } from '@app/metadata-builder';
import { loadSqlParser, openDataSource } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import type { DataSource } from 'typeorm';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSchema, touchedTables } from '../src/generate/schema-diff';
import { buildTableLineage, type TableLineage } from '../src/generate/table-lineage';

@Entity('scope_alpha')
class Alpha {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
}

@Entity('scope_beta')
class Beta {
  @PrimaryGeneratedColumn() id: number;
  @Column() size: number;
}

describe('a diff narrowed to the tables a script touched', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let tables: TableLineage;

  beforeAll(async () => {
    db = await createTestDatabase('diff_scope');
    const metadata = buildMetadata({ entities: [Alpha, Beta], framework: { enabled: false } });
    dataSource = await openDataSource(db.url, { entities: metadata.entities });
    await loadSqlParser();
    tables = await buildTableLineage(metadata, dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('compares only the named tables, and leaves every entity compared afterwards', async () => {
    const full = await diffSchema(dataSource);
    expect(full.up.filter((s) => s.startsWith('CREATE TABLE'))).toHaveLength(2);
    const narrowed = await diffSchema(dataSource, { only: new Set(['scope_alpha']) });
    expect(narrowed.up).toEqual(full.up.filter((s) => s.includes('"scope_alpha"')));
    expect(narrowed.up).toHaveLength(1);
    expect(await diffSchema(dataSource, { only: new Set() })).toEqual({ up: [], down: [] });
    expect(await diffSchema(dataSource)).toEqual(full);
  });

  it('finds the tables a script touches, and gives up on a statement that names none', () => {
    const script = [
      { sql: 'CREATE TABLE "scope_alpha" ("id" SERIAL NOT NULL, "name" character varying NOT NULL)' },
      { sql: 'ALTER TABLE "public"."scope_beta" ADD "extra" integer' },
    ];
    expect([...(touchedTables(script, tables) ?? [])].sort()).toEqual(['scope_alpha', 'scope_beta']);
    expect(
      touchedTables([...script, { sql: 'CREATE EXTENSION IF NOT EXISTS citext' }], tables),
    ).toBeUndefined();
  });
});
