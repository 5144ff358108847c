import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogSnapshot, compareSnapshots, generateRevision } from '@app/autogenerate';
import {
  buildMetadata,
  type LoadedConfig,
  loadConfig,
  Migrator,
  type MigratorError,
  readRevisionGraph,
} from '@app/migrator';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';

/** The shadow's catalog snapshot, as the down proof reads it. */
type CatalogSnapshot = Awaited<ReturnType<typeof catalogSnapshot>>;

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const APP_ROOT = join(__dirname, '..');
const ENUM_REVISION = '20261124234336_add_disputed_invoice_status';

/** The catalogs as the migrator's own down proof reads them. */
async function snapshotOf(url: string): Promise<CatalogSnapshot> {
  return catalogSnapshot({ query: (text: string) => queryDatabase(url, text) });
}

/** Differences other than a column put back last (PostgreSQL cannot reorder columns). */
function realDifferences(expected: CatalogSnapshot, actual: CatalogSnapshot): string[] {
  return compareSnapshots(expected, actual)
    .filter((d) => !d.orderOnly)
    .map((d) => d.text);
}

describe.sequential('invoice-ops: the committed history, both ways, on a database with rows', () => {
  let db: TestDatabase;
  let config: LoadedConfig;
  let migrator: Migrator;
  let steps: string[];
  const beforeStep: CatalogSnapshot[] = [];
  const q = (text: string, params: unknown[] = []) => queryDatabase(db.url, text, params);

  beforeAll(async () => {
    db = await createTestDatabase('invoice_ops_both_ways');
    config = await loadConfig({ cwd: APP_ROOT });
    steps = readRevisionGraph(config.sources)
      .lineageRevisions('app')
      .map((r) => r.id);
    migrator = await Migrator.connect({ databaseUrl: db.url, sources: config.sources });
  });
  afterAll(async () => {
    await migrator?.close();
    await db?.drop();
  });

  it('the fixed generator writes the committed enum revision, default swap and guard in its down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'invoice-ops-regen-'));
    try {
      const app = config.sources.find((s) => s.lineage === 'app')!;
      cpSync(app.dir, dir, { recursive: true });
      rmSync(join(dir, `${ENUM_REVISION}.ts`));
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      manifest.revisions = manifest.revisions.filter((r: { id: string }) => r.id !== ENUM_REVISION);
      writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      const { revision } = await generateRevision({
        serverUrl: db.url,
        sources: config.sources.map((s) => (s.lineage === 'app' ? { ...s, dir } : s)),
        metadata: buildMetadata({ entities: config.config.entities }),
        lineage: 'app',
        message: 'add disputed invoice status',
        now: new Date('2026-11-24T23:43:36.849Z'),
        freshShadow: true,
      });
      expect(revision?.id).toBe(ENUM_REVISION);
      const committed = readFileSync(join(app.dir, `${ENUM_REVISION}.ts`), 'utf8');
      expect(readFileSync(revision!.file, 'utf8')).toBe(committed);
      expect(committed).toContain(`ALTER TABLE "invoice" ALTER COLUMN "status" DROP DEFAULT`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replays to the heads one revision at a time, rows written at the baseline', async () => {
    for (const [index, id] of steps.entries()) {
      beforeStep.push(await snapshotOf(db.url));
      await migrator.upgrade({ target: id });
      if (index === 0) {
        await q(`INSERT INTO tenant (name) VALUES ('Acme')`);
        await q(
          `INSERT INTO supplier ("tenantId", name, bank_reference) SELECT id, 'Globex', 'DE89370400440532013000' FROM tenant`,
        );
        await q(
          `INSERT INTO invoice ("tenantId", "supplierId", number, amount, currency, due_date) SELECT t.id, s.id, 'INV-1', 1234.50, 'EUR', '2026-12-31' FROM tenant t, supplier s`,
        );
        await q(
          `INSERT INTO line_item ("invoiceId", description, quantity, unit_price) SELECT id, 'widgets', '3', 100 FROM invoice`,
        );
        await q(
          `INSERT INTO invoice_note ("invoiceId", author, body) SELECT id, 'ann', 'checked' FROM invoice`,
        );
      }
    }
    await q(`UPDATE invoice SET status = 'disputed'`);
  });

  it('the enum revision does not go down while an invoice is disputed, and keeps it', async () => {
    const error = await migrator.downgrade('-1').then(
      () => undefined,
      (e: unknown) => e as MigratorError,
    );
    expect(error?.code).toBe('DATA_WOULD_BE_LOST');
    expect(error?.message).toContain(
      'invoice.status: 1 row(s) hold a value that the enum invoice_status no longer has',
    );
    expect(await q(`SELECT status FROM invoice`)).toEqual([{ status: 'disputed' }]);
    await q(`UPDATE invoice SET status = 'approved'`);
  });

  it('reverts one step at a time to base, each down restoring the exact schema before its up', async () => {
    // Reverting to base drops tables that hold the rows written above: deliberately destructive.
    for (let index = steps.length - 1; index >= 0; index--) {
      await migrator.downgrade('-1', { allowDestructive: true });
      expect({
        step: steps[index],
        differences: realDifferences(beforeStep[index]!, await snapshotOf(db.url)),
      }).toEqual({
        step: steps[index],
        differences: [],
      });
    }
  });

  it('replays from base to the heads again, to the same schema', async () => {
    const atHeads = beforeStep.length;
    await migrator.upgrade({ target: steps.at(-1)! });
    expect(atHeads).toBe(steps.length);
    const again = await snapshotOf(db.url);
    await migrator.downgrade('-1', { allowDestructive: true });
    expect(realDifferences(beforeStep.at(-1)!, await snapshotOf(db.url))).toEqual([]);
    await migrator.upgrade({ target: steps.at(-1)! });
    expect(compareSnapshots(again, await snapshotOf(db.url))).toEqual([]);
  });
});
