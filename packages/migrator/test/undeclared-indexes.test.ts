import { createTestDatabase, queryDatabase as sql, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { undeclaredIndexes } from '../src/catalog/undeclared-indexes';

describe('the @Index an index built by a revision needs', () => {
  let db: TestDatabase;
  const query = { query: (text: string, params?: unknown[]) => sql(db.url, text, params) };

  beforeAll(async () => {
    db = await createTestDatabase('undeclared_indexes');
    for (const statement of [
      'CREATE TABLE item (id serial PRIMARY KEY, name text, "shelfCode" text UNIQUE, archived boolean)',
      'CREATE INDEX CONCURRENTLY item_name_idx ON item (name)',
      'CREATE UNIQUE INDEX CONCURRENTLY item_live_name_idx ON item (name, "shelfCode") WHERE NOT archived',
      'CREATE INDEX CONCURRENTLY item_lower_name_idx ON item (lower(name))',
    ])
      await sql(db.url, statement);
  });
  afterAll(() => db?.drop());

  it('spells columns by property name, with unique and where; an expression index is kept with synchronize: false', async () => {
    const found = await undeclaredIndexes(
      query,
      ['item_name_idx', 'item_live_name_idx', 'item_lower_name_idx', 'item_pkey', 'item_shelfCode_key'],
      (table, column) => (table === 'item' && column === 'shelfCode' ? 'shelf' : column),
    );
    expect(Object.fromEntries(found.map((f) => [f.index, f.decorator]))).toEqual({
      item_name_idx: "@Index('item_name_idx', ['name'])",
      item_live_name_idx:
        "@Index('item_live_name_idx', ['name', 'shelf'], { unique: true, where: '(NOT archived)' })",
      item_lower_name_idx: "@Index('item_lower_name_idx', { synchronize: false })",
    });
    expect(found.every((f) => f.table === 'item')).toBe(true);
  });
});
