import { createTestDatabase, type TestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_PARAMS_TABLE_SQL, ParameterStore } from '../src';

describe('ParameterStore on _dazzle_params', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let params: ParameterStore;

  beforeAll(async () => {
    db = await createTestDatabase('params');
    dataSource = new DataSource({ type: 'postgres', url: db.url });
    await dataSource.initialize();
    await dataSource.query(CREATE_PARAMS_TABLE_SQL);
    await dataSource.query(CREATE_PARAMS_TABLE_SQL); // idempotent by design
    params = new ParameterStore(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('resolves user over tenant over system', async () => {
    await params.set('theme', 'light');
    await params.set('theme', 'dark', { scope: 'tenant', scopeId: 'acme' });
    await params.set('theme', 'contrast', { scope: 'user', scopeId: 'u1', updatedBy: 'u1' });
    expect(await params.resolve('theme')).toEqual({ value: 'light', scope: 'system' });
    expect(await params.resolve('theme', { tenantId: 'acme' })).toEqual({ value: 'dark', scope: 'tenant' });
    expect(await params.resolve('theme', { tenantId: 'acme', userId: 'u1' })).toEqual({
      value: 'contrast',
      scope: 'user',
    });
    expect(await params.resolve('theme', { tenantId: 'other', userId: 'u2' })).toEqual({
      value: 'light',
      scope: 'system',
    });
  });

  it('overwrites a value in place and removes it on unset', async () => {
    await params.set('limit', 1);
    await params.set('limit', 2);
    expect((await params.list()).filter((p) => p.key === 'limit')).toHaveLength(1);
    expect(await params.resolve('limit')).toEqual({ value: 2, scope: 'system' });
    expect(await params.unset('limit', { scope: 'system' })).toBe(true);
    expect(await params.resolve('limit')).toBeUndefined();
  });

  it('refuses a tenant value without the tenant', async () => {
    await expect(params.set('x', 1, { scope: 'tenant' })).rejects.toThrow(/needs a scopeId/);
  });

  it('keeps a value across connections: it lives in the table, not in the store object', async () => {
    await params.set('invoices.limit', { amount: 5000 }, { scope: 'tenant', scopeId: 'acme' });
    const second = new DataSource({ type: 'postgres', url: db.url });
    await second.initialize();
    try {
      expect(await new ParameterStore(second).resolve('invoices.limit', { tenantId: 'acme' })).toEqual({
        value: { amount: 5000 },
        scope: 'tenant',
      });
    } finally {
      await second.destroy();
    }
  });
});
