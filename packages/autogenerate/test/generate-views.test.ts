import { readFileSync, rmSync } from 'node:fs';
import { buildMetadata, type EntityClass } from '@app/metadata-builder';
import { compareCatalogs, formatDifference, Migrator, snapshotCatalog } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, Entity, PrimaryGeneratedColumn, ViewColumn, ViewEntity } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision } from '../src';
import { sql } from './helpers/catalog';
import { withMigrator } from './helpers/migrator';
import { tempDir } from './helpers/revision-folders';

@Entity('sale')
class SaleV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column('int') amount: number;
  @Column() region: string;
}
@Entity('sale')
class SaleBigAmount {
  @PrimaryGeneratedColumn() id: number;
  @Column('bigint') amount: string;
  @Column() region: string;
}
@ViewEntity({
  name: 'sale_total',
  expression: `SELECT "region", SUM("amount") AS "total", COUNT(*) AS "sales" FROM "sale" GROUP BY "region"`,
})
class SaleTotal {
  @ViewColumn() region: string;
  @ViewColumn() total: string;
  @ViewColumn() sales: string;
}
@ViewEntity({
  name: 'big_region',
  expression: `SELECT "region" FROM "sale_total" WHERE "total" > 10`,
  dependsOn: ['SaleTotal'],
})
class BigRegion {
  @ViewColumn() region: string;
}

const metadataOf = (...entities: EntityClass[]) => buildMetadata({ entities, framework: { enabled: false } });
const v1 = metadataOf(SaleV1, SaleTotal, BigRegion);
const v2 = metadataOf(SaleBigAmount, SaleTotal, BigRegion);

async function differences(expectedUrl: string, actualUrl: string): Promise<string[]> {
  const [a, b] = await Promise.all([snapshotCatalog(expectedUrl), snapshotCatalog(actualUrl)]);
  return compareCatalogs(a, b).map(formatDifference);
}

describe('@ViewEntity', () => {
  let replayed: TestDatabase;
  let created: TestDatabase;
  const dir = tempDir('dazzle-views-');
  const sources = [{ lineage: 'app' as const, dir }];
  const migrate = (url: string, work: (m: Migrator) => Promise<unknown>) => withMigrator(url, sources, work);

  beforeAll(async () => {
    [replayed, created] = await Promise.all([
      createTestDatabase('views'),
      createTestDatabase('views_created'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([replayed.drop(), created.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates CREATE VIEW in dependency order, recorded in typeorm_metadata, proven both ways', async () => {
    const { revision, up, down } = await generateRevision({
      serverUrl: replayed.url,
      sources,
      metadata: v1,
      lineage: 'app',
      message: 'sales and views',
    });
    const statements = up.map((s) => s.sql);
    const created = (view: string) => statements.findIndex((s) => s.startsWith(`CREATE VIEW "${view}"`));
    expect(created('sale_total')).toBeGreaterThan(
      statements.findIndex((s) => s.startsWith('CREATE TABLE "sale"')),
    );
    expect(created('big_region')).toBeGreaterThan(created('sale_total'));
    expect(statements.filter((s) => s.includes('INSERT INTO "typeorm_metadata"'))).toHaveLength(2);
    const downs = down.map((s) => s.sql);
    const dropped = (view: string) => downs.findIndex((s) => s.startsWith(`DROP VIEW "${view}"`));
    expect(dropped('big_region')).toBeGreaterThanOrEqual(0);
    expect(dropped('sale_total')).toBeGreaterThan(dropped('big_region'));
    console.log(readFileSync(revision!.file, 'utf8'));
    expect(readFileSync(revision!.file, 'utf8')).toContain('Down proven on the shadow');

    await migrate(replayed.url, (m) => m.upgrade());
    await sql(
      replayed.url,
      `INSERT INTO sale (amount, region) VALUES (7, 'north'), (8, 'north'), (3, 'south')`,
    );
    expect(await sql(replayed.url, 'SELECT region FROM big_region')).toEqual([{ region: 'north' }]);
    expect(
      await sql(replayed.url, `SELECT name, type FROM typeorm_metadata WHERE type = 'VIEW' ORDER BY name`),
    ).toEqual([
      { name: 'big_region', type: 'VIEW' },
      { name: 'sale_total', type: 'VIEW' },
    ]);
    expect(await findSchemaDrift({ serverUrl: replayed.url, sources, metadata: v1 })).toEqual([]);
    const again = await generateRevision({
      serverUrl: replayed.url,
      sources,
      metadata: v1,
      lineage: 'app',
      message: 'nothing',
    });
    expect(again.revision).toBeUndefined();
  });

  it('create-all builds the same views and metadata rows as replay', async () => {
    const result = await migrate(created.url, (m) => m.upgrade({ createAllFrom: v1.entities }));

    expect((result as { method: string }).method).toBe('create-all');
    expect(await differences(replayed.url, created.url)).toEqual([]);
    expect(await findSchemaDrift({ serverUrl: created.url, sources, metadata: v1 })).toEqual([]);
  });

  it('drops and recreates the views over a column whose type changes, in the same revision', async () => {
    const { up, revision } = await generateRevision({
      serverUrl: replayed.url,
      sources,
      metadata: v2,
      lineage: 'app',
      message: 'big amounts',
    });
    expect(up.map((s) => s.sql)).toEqual([
      'DROP VIEW "big_region"',
      'DROP VIEW "sale_total"',
      'ALTER TABLE "sale" ALTER COLUMN "amount" TYPE bigint USING "amount"::bigint',
      expect.stringMatching(/^CREATE VIEW "sale_total" AS SELECT region,\s+sum\(amount\) AS total,/),
      expect.stringMatching(
        /^CREATE VIEW "big_region" AS SELECT region\s+FROM sale_total\s+WHERE \(total > 10\)$/,
      ),
    ]);
    expect(readFileSync(revision!.file, 'utf8')).toContain('Down proven on the shadow with a row in sale');
    for (const url of [replayed.url, created.url]) {
      await migrate(url, (m) => m.upgrade());
      expect(await sql(url, 'SELECT region FROM big_region')).toEqual(
        url === replayed.url ? [{ region: 'north' }] : [],
      );
      expect(await findSchemaDrift({ serverUrl: url, sources, metadata: v2 })).toEqual([]);
    }
    expect(await differences(replayed.url, created.url)).toEqual([]);
    await migrate(replayed.url, (m) => m.downgrade('-1'));
    expect(await sql(replayed.url, 'SELECT total FROM sale_total ORDER BY region')).toEqual([
      { total: '15' },
      { total: '3' },
    ]);
    expect(
      await sql(
        replayed.url,
        `SELECT data_type FROM information_schema.columns WHERE table_name = 'sale_total' AND column_name = 'total'`,
      ),
    ).toEqual([{ data_type: 'bigint' }]);
  });
});
