import { join } from 'node:path';
import { findSchemaDrift } from '@app/autogenerate';
import { buildMetadata, type LoadedConfig, loadConfig, Migrator, readRevisionGraph } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const APP_ROOT = join(__dirname, '..');

/**
 * One story told in steps: each step upgrades one app revision further on the same database and the
 * rows written before it, so the steps run in order (describe.sequential), and each step first
 * asserts that exactly its own revision was applied: run alone, a step fails saying so.
 */
describe.sequential('invoice-ops: the committed history, replayed on a database that holds rows', () => {
  let db: TestDatabase;
  let config: LoadedConfig;
  let migrator: Migrator;
  let client: pg.Client;
  let steps: string[];
  const q = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    (await client.query(text, params)).rows as T[];
  /** Upgrades to the step's revision and asserts it was the one app revision still to apply. */
  const upgradeTo = async (step: number) => {
    const result = await migrator.upgrade({ target: steps[step - 1]! });
    expect(result.revisions.filter((r) => r.lineage === 'app').map((r) => r.id)).toEqual([steps[step - 1]]);
  };

  beforeAll(async () => {
    db = await createTestDatabase('invoice_ops');
    config = await loadConfig({ cwd: APP_ROOT });
    steps = readRevisionGraph(config.sources)
      .lineageRevisions('app')
      .map((r) => r.id);
    migrator = await Migrator.connect({ databaseUrl: db.url, sources: config.sources });
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await migrator?.close();
    await db?.drop();
  });

  it('tells its story in six app revisions', () => {
    expect(steps.map((id) => id.slice(15))).toEqual([
      'baseline_tenants_suppliers_invoices_line_items_notes_payment',
      'add_po_number_to_invoice',
      'rename_supplier_bank_reference_to_bank_account_ref',
      'widen_note_author_make_line_item_quantity_numeric',
      'move_supplier_bank_details_into_supplier_bank_account',
      'add_disputed_invoice_status',
    ]);
  });

  it('1. baseline: the tables exist and take rows', async () => {
    await upgradeTo(1);
    const [tenant] = await q<{ id: string }>(`INSERT INTO tenant (name) VALUES ('Acme') RETURNING id`);
    const [supplier] = await q<{ id: string }>(
      `INSERT INTO supplier ("tenantId", name, bank_reference) VALUES ($1, 'Globex', 'DE89370400440532013000') RETURNING id`,
      [tenant!.id],
    );
    const [invoice] = await q<{ id: string }>(
      `INSERT INTO invoice ("tenantId", "supplierId", number, amount, currency, status, due_date) VALUES ($1, $2, 'INV-1', 1234.50, 'EUR', 'approved', '2026-12-31') RETURNING id`,
      [tenant!.id, supplier!.id],
    );
    await q(
      `INSERT INTO line_item ("invoiceId", description, quantity, unit_price) VALUES ($1, 'widgets', '3', 100), ($1, 'setup', ' ', 934.50)`,
      [invoice!.id],
    );
    await q(`INSERT INTO invoice_note ("invoiceId", author, body) VALUES ($1, 'ann', 'checked')`, [
      invoice!.id,
    ]);
    await q(`INSERT INTO payment_attempt ("invoiceId", amount, status) VALUES ($1, 500, 'succeeded')`, [
      invoice!.id,
    ]);
    expect(
      await q(
        `SELECT i.number, s.name AS supplier, (SELECT count(*)::int FROM line_item) AS lines, (SELECT count(*)::int FROM invoice_note) AS notes, (SELECT count(*)::int FROM payment_attempt) AS payments FROM invoice i JOIN supplier s ON s.id = i."supplierId"`,
      ),
    ).toEqual([{ number: 'INV-1', supplier: 'Globex', lines: 2, notes: 1, payments: 1 }]);
  });

  it('2. an additive field: po_number on invoice', async () => {
    await upgradeTo(2);
    await q(`UPDATE invoice SET po_number = 'PO-77'`);
    expect(await q(`SELECT number, po_number, amount FROM invoice`)).toEqual([
      { number: 'INV-1', po_number: 'PO-77', amount: '1234.50' },
    ]);
  });

  it('3. a rename whose data survives', async () => {
    await upgradeTo(3);
    expect(await q(`SELECT bank_account_ref FROM supplier`)).toEqual([
      { bank_account_ref: 'DE89370400440532013000' },
    ]);
  });

  it('4. a widening, and a cast with a hand-filled USING expression', async () => {
    await upgradeTo(4);
    expect(await q(`SELECT description, quantity FROM line_item ORDER BY description`)).toEqual([
      { description: 'setup', quantity: '1.00' },
      { description: 'widgets', quantity: '3.00' },
    ]);
    await q(`UPDATE invoice_note SET author = repeat('a', 150)`);
    expect(await q(`SELECT length(author)::int AS n FROM invoice_note`)).toEqual([{ n: 150 }]);
  });

  it('5. an entity split with a backfill, and a down that brings the data back', async () => {
    await upgradeTo(5);
    expect(await q(`SELECT account_ref, is_primary FROM supplier_bank_account`)).toEqual([
      { account_ref: 'DE89370400440532013000', is_primary: true },
    ]);
    expect(
      await q(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'supplier' AND column_name = 'bank_account_ref'`,
      ),
    ).toEqual([]);
    // The down copies the accounts back before dropping their table; the guard counts the table's rows anyway.
    await migrator.downgrade(steps[3]!, { allowDestructive: true });
    expect(await q(`SELECT bank_account_ref FROM supplier`)).toEqual([
      { bank_account_ref: 'DE89370400440532013000' },
    ]);
    expect(await q(`SELECT to_regclass('supplier_bank_account') AS t`)).toEqual([{ t: null }]);
    await upgradeTo(5);
    expect(await q(`SELECT count(*)::int AS n FROM supplier_bank_account`)).toEqual([{ n: 1 }]);
  });

  it('6. an enum value added', async () => {
    await upgradeTo(6);
    await q(`UPDATE invoice SET status = 'disputed'`);
    expect(await q(`SELECT status FROM invoice`)).toEqual([{ status: 'disputed' }]);
  });

  it("check finds nothing: the committed history reproduces today's entities", async () => {
    await migrator.upgrade(); // the framework lineage too: the app's history never needed it
    expect((await migrator.status()).state).toBe('in-step');
    const drift = await findSchemaDrift({
      serverUrl: db.url,
      sources: config.sources,
      metadata: buildMetadata({ entities: config.config.entities }),
    });
    expect(drift).toEqual([]);
  });
});
