import { readFileSync, rmSync } from 'node:fs';
import { buildMetadata, type EntityClass } from '@app/metadata-builder';
import { Migrator } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision } from '../src';
import { sql } from './helpers/catalog';
import { tempDir } from './helpers/revision-folders';

@Entity('order_line')
class OrderLineV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column('int') price: number;
  @Column('int') qty: number;
  @Column({ type: 'int', generatedType: 'STORED', asExpression: '"price" * "qty"' }) total: number;
}
@Entity('order_line')
class OrderLineBigPrice {
  @PrimaryGeneratedColumn() id: number;
  @Column('bigint') price: string;
  @Column('int') qty: number;
  @Column({ type: 'int', generatedType: 'STORED', asExpression: '"price" * "qty"' }) total: number;
}

describe('a type change under a stored generated column', () => {
  let db: TestDatabase;
  const dir = tempDir('dazzle-dependants-');
  const sources = [{ lineage: 'app' as const, dir }];
  const metadataOf = (entity: EntityClass) =>
    buildMetadata({ entities: [entity], framework: { enabled: false } });
  const migrate = async (work: (m: Migrator) => Promise<unknown>) => {
    const migrator = await Migrator.connect({ databaseUrl: db.url, sources });
    try {
      await work(migrator);
    } finally {
      await migrator.close();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase('dependants');
    await generateRevision({
      serverUrl: db.url,
      sources,
      metadata: metadataOf(OrderLineV1),
      lineage: 'app',
      message: 'v1',
    });
    await migrate((m) => m.upgrade());
    await sql(db.url, 'INSERT INTO order_line (price, qty) VALUES (3, 4)');
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('drops and recreates the generated column around integer → bigint, proven both ways, values computed again', async () => {
    const { revision, up } = await generateRevision({
      serverUrl: db.url,
      sources,
      metadata: metadataOf(OrderLineBigPrice),
      lineage: 'app',
      message: 'big price',
    });
    expect(up.map((s) => s.sql)).toEqual([
      'ALTER TABLE "order_line" DROP COLUMN "total"',
      'ALTER TABLE "order_line" ALTER COLUMN "price" TYPE bigint USING "price"::bigint',
      'ALTER TABLE "order_line" ADD COLUMN "total" integer GENERATED ALWAYS AS ((price * qty)) STORED NOT NULL',
    ]);
    expect(readFileSync(revision!.file, 'utf8')).toContain(
      'Down proven on the shadow with a row in order_line',
    );
    await migrate((m) => m.upgrade());
    expect(await sql(db.url, 'SELECT price, total FROM order_line')).toEqual([{ price: '3', total: 12 }]);
    expect(
      await findSchemaDrift({ serverUrl: db.url, sources, metadata: metadataOf(OrderLineBigPrice) }),
    ).toEqual([]);
    await migrate((m) => m.downgrade('-1'));
    expect(await sql(db.url, 'SELECT price, total FROM order_line')).toEqual([{ price: 3, total: 12 }]);
  });
});
