import { rmSync } from 'node:fs';
import { buildMetadata, type EntityClass } from '@app/metadata-builder';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, Entity, PrimaryGeneratedColumn, ViewColumn, ViewEntity } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision } from '../src';
import { sql } from './helpers/catalog';
import { withMigrator } from './helpers/migrator';
import { tempDir, writeChain } from './helpers/revision-folders';

@Entity('shipment')
class Shipment {
  @PrimaryGeneratedColumn() id: number;
  @Column('int') weight: number;
  @Column() lane: string;
}
@Entity('shipment')
class ShipmentHeavy {
  @PrimaryGeneratedColumn() id: number;
  @Column('bigint') weight: string;
  @Column() lane: string;
}
@ViewEntity({
  name: 'lane_weight',
  expression: `SELECT "lane", SUM("weight") AS "weight" FROM "shipment" GROUP BY "lane"`,
})
class LaneWeight {
  @ViewColumn() lane: string;
  @ViewColumn() weight: string;
}

const metadataOf = (...entities: EntityClass[]) => buildMetadata({ entities, framework: { enabled: false } });

describe('a type change under a view keeps the view’s grants and comments', () => {
  let db: TestDatabase;
  const dir = tempDir('dazzle-view-grants-');
  const sources = [{ lineage: 'app' as const, dir }];
  const viewFacts = async () => ({
    acl: await sql(db.url, `SELECT relacl::text AS acl FROM pg_class WHERE oid = 'lane_weight'::regclass`),
    comments: await sql(
      db.url,
      `SELECT obj_description('lane_weight'::regclass, 'pg_class') AS view,
              col_description('lane_weight'::regclass, 2) AS weight`,
    ),
  });

  beforeAll(async () => {
    db = await createTestDatabase('view_grants');
    const { revision } = await generateRevision({
      serverUrl: db.url,
      sources,
      metadata: metadataOf(Shipment, LaneWeight),
      lineage: 'app',
      message: 'lanes',
    });
    writeChain(dir, 'app', [
      {
        message: 'share lane weights',
        parents: [revision!.id],
        up: [
          'GRANT SELECT ON "lane_weight" TO PUBLIC',
          `COMMENT ON VIEW "lane_weight" IS 'weight per lane'`,
          `COMMENT ON COLUMN "lane_weight"."weight" IS 'in grams'`,
        ],
        down: [
          'REVOKE SELECT ON "lane_weight" FROM PUBLIC',
          'COMMENT ON VIEW "lane_weight" IS NULL',
          'COMMENT ON COLUMN "lane_weight"."weight" IS NULL',
        ],
      },
    ]);
    await withMigrator(db.url, sources, (m) => m.upgrade());
    await sql(db.url, `INSERT INTO shipment (weight, lane) VALUES (5, 'north')`);
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('grants and comments the recreated view again, in the up and in the down', async () => {
    const before = await viewFacts();
    expect(before.acl[0]!.acl).toMatch(/"?=r\//);
    expect(before.comments).toEqual([{ view: 'weight per lane', weight: 'in grams' }]);
    const { up, down } = await generateRevision({
      serverUrl: db.url,
      sources,
      metadata: metadataOf(ShipmentHeavy, LaneWeight),
      lineage: 'app',
      message: 'heavy shipments',
      allowDestructive: true,
    });
    const restored = [
      `COMMENT ON VIEW "lane_weight" IS 'weight per lane'`,
      `COMMENT ON COLUMN "lane_weight"."weight" IS 'in grams'`,
      'GRANT SELECT ON "lane_weight" TO PUBLIC',
    ];
    for (const statements of [up, down]) {
      const sqls = statements.map((s) => s.sql);
      const created = sqls.findIndex((s) => s.startsWith('CREATE VIEW "lane_weight"'));
      expect(sqls.slice(created + 1, created + 4)).toEqual(restored);
    }
    await withMigrator(db.url, sources, (m) => m.upgrade());
    expect(await viewFacts()).toEqual(before);
    expect(
      await findSchemaDrift({ serverUrl: db.url, sources, metadata: metadataOf(ShipmentHeavy, LaneWeight) }),
    ).toEqual([]);
    await withMigrator(db.url, sources, (m) => m.downgrade('-1'));
    expect(await viewFacts()).toEqual(before);
    expect(await sql(db.url, 'SELECT lane, weight::int AS weight FROM lane_weight')).toEqual([
      { lane: 'north', weight: 5 },
    ]);
  });
});
