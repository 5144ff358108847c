import 'reflect-metadata';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/index.js';

@Entity('implicit_widget')
class ImplicitWidget {
  @PrimaryGeneratedColumn()
  id: number;

  // No type given: TypeORM must read `String` / `Number` / `Boolean` from emitted decorator metadata.
  @Column()
  name: string;

  @Column()
  weight: number;

  @Column()
  active: boolean;
}

describe('decorator metadata in tests', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('decorators');
    dataSource = new DataSource({ type: 'postgres', url: db.url, entities: [ImplicitWidget] });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('infers column types from TypeScript property types', () => {
    const metadata = dataSource.getMetadata(ImplicitWidget);
    const types = Object.fromEntries(metadata.columns.map((c) => [c.propertyName, c.type]));
    expect(types).toMatchObject({ name: String, weight: Number, active: Boolean });
  });

  it('creates the table on real PostgreSQL and reads a row back', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      for (const query of (await dataSource.driver.createSchemaBuilder().log()).upQueries) {
        await runner.query(query.query, query.parameters);
      }
    } finally {
      await runner.release();
    }
    const repo = dataSource.getRepository(ImplicitWidget);
    await repo.save(repo.create({ name: 'sprocket', weight: 12, active: true }));
    const [row] = await dataSource.query(
      `SELECT c.column_name, c.data_type FROM information_schema.columns c
       WHERE c.table_name = 'implicit_widget' AND c.column_name = 'name'`,
    );
    expect(row).toEqual({ column_name: 'name', data_type: 'character varying' });
    expect(await repo.findOneByOrFail({ name: 'sprocket' })).toMatchObject({ weight: 12, active: true });
  });
});
