import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import type { DataSource, QueryRunner } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BatchProgress, batchUpdate, openDataSource } from '../src';

describe('batchUpdate', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let runner: QueryRunner;
  const pending = async () =>
    (
      await queryDatabase<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM invoice WHERE cents IS NULL')
    )[0]!.n;

  beforeEach(async () => {
    db = await createTestDatabase('batch_update');
    await queryDatabase(
      db.url,
      'CREATE TABLE invoice (id int PRIMARY KEY, total numeric, cents bigint); INSERT INTO invoice SELECT g, g / 100.0, NULL FROM generate_series(1, 2500) g',
    );
    dataSource = await openDataSource(db.url);
    runner = dataSource.createQueryRunner();
  });
  afterEach(async () => {
    await runner.release();
    await dataSource.destroy();
    await db.drop();
  });

  it('updates every matching row in committed batches of batchSize, reporting each', async () => {
    const seen: BatchProgress[] = [];
    const result = await batchUpdate(runner, 'invoice', 'cents = round(total * 100)', 'cents IS NULL', {
      batchSize: 1000,
      onProgress: (p) => seen.push(p),
    });
    expect(result).toEqual({ table: 'invoice', batches: 3, rows: 2500 });
    expect(seen.map((p) => p.rows)).toEqual([1000, 2000, 2500]);
    expect(await pending()).toBe(0);
    expect(await queryDatabase(db.url, 'SELECT cents FROM invoice WHERE id = 1234')).toEqual([
      { cents: '1234' },
    ]);
  });

  it('keeps the batches committed before a crash, and a rerun does only the rest', async () => {
    const crashed = await batchUpdate(runner, 'invoice', 'cents = round(total * 100)', 'cents IS NULL', {
      batchSize: 1000,
      onProgress: (p) => {
        if (p.batches === 2) throw new Error('killed');
      },
    }).catch((e: Error) => e.message);
    expect(crashed).toBe('killed');
    expect(await pending()).toBe(500);
    const rerun = await batchUpdate(runner, 'invoice', 'cents = round(total * 100)', 'cents IS NULL', {
      batchSize: 1000,
      onProgress: () => undefined,
    });
    expect(rerun).toEqual({ table: 'invoice', batches: 1, rows: 500 });
    expect(await pending()).toBe(0);
  });

  it('refuses to run inside a transaction, where its batches could not commit, and changes nothing', async () => {
    await runner.query('BEGIN');
    const refused = await batchUpdate(runner, 'invoice', 'cents = 0', 'cents IS NULL').catch(
      (e: Error) => e.message,
    );
    await runner.query('ROLLBACK');
    expect(refused).toMatch(/cannot run inside the revision's transaction: set `transactional: false`/);
    expect(await pending()).toBe(2500);
  });
});
