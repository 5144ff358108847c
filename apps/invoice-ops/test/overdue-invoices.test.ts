import { join } from 'node:path';
import { loadConfig } from '@app/migrator';
import { type RunningServer, startServer } from '@app/server';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('invoice-ops: the overdue-invoices report added with configureServer', () => {
  let db: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    db = await createTestDatabase('invoice_ops_report');
    const config = await loadConfig({ cwd: join(__dirname, '..') });
    server = await startServer({ config, databaseUrl: db.url, port: 0, logLevel: 'warn' });
    const [tenant] = await queryDatabase<{ id: string }>(
      db.url,
      `INSERT INTO tenant (name) VALUES ('Acme') RETURNING id`,
    );
    const [supplier] = await queryDatabase<{ id: string }>(
      db.url,
      `INSERT INTO supplier ("tenantId", name) VALUES ($1, 'Paper Co') RETURNING id`,
      [tenant!.id],
    );
    const invoices: Array<[string, string, string, string, string]> = [
      ['A-1', '100.10', 'EUR', 'submitted', '2026-01-10'],
      ['A-2', '0.20', 'EUR', 'disputed', '2026-01-20'],
      ['A-3', '999.00', 'EUR', 'paid', '2026-01-05'],
      ['A-4', '50.00', 'USD', 'approved', '2026-01-15'],
      ['A-5', '70.00', 'USD', 'approved', '2026-03-01'],
    ];
    for (const [number, amount, currency, status, due] of invoices)
      await queryDatabase(
        db.url,
        `INSERT INTO invoice ("tenantId", "supplierId", number, amount, currency, status, due_date) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [tenant!.id, supplier!.id, number, amount, currency, status, due],
      );
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('sums the open invoices past due per currency, exactly', async () => {
    const response = await fetch(`${server.url}/reports/overdue-invoices?asOf=2026-02-01`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      asOf: '2026-02-01',
      byCurrency: [
        { currency: 'EUR', count: 2, total: '100.30' },
        { currency: 'USD', count: 1, total: '50.00' },
      ],
    });
  });

  it('refuses a missing or impossible day with a problem document, and is listed in OpenAPI', async () => {
    const missing = await fetch(`${server.url}/reports/overdue-invoices`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'asOf' });
    expect((await fetch(`${server.url}/reports/overdue-invoices?asOf=2026-02-30`)).status).toBe(400);
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(doc.paths['/reports/overdue-invoices']).toBeDefined();
  });
});
