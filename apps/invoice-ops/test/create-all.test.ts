import { join } from 'node:path';
import {
  buildMetadata,
  compareCatalogs,
  formatDifference,
  loadConfig,
  Migrator,
  snapshotCatalog,
} from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const APP_ROOT = join(__dirname, '..');

/**
 * The example app's history adds columns and renames, which create-all cannot reproduce in the
 * same shape (a column added later sits last after replay, where the entity declares it): the
 * catalog comparison sees that, so `emptyDatabase: 'create-all'` replays this app and says why.
 */
describe("invoice-ops with emptyDatabase: 'create-all'", () => {
  let replayed: TestDatabase;
  let created: TestDatabase;
  let tablesOnly: TestDatabase;

  beforeAll(async () => {
    [replayed, created, tablesOnly] = await Promise.all([
      createTestDatabase('invoice_replayed'),
      createTestDatabase('invoice_created'),
      createTestDatabase('invoice_tables_only'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([replayed?.drop(), created?.drop(), tablesOnly?.drop()]);
  });

  it('replays instead of create-all, says why, and builds the database replay builds', async () => {
    const config = await loadConfig({ cwd: APP_ROOT });
    const entities = buildMetadata({
      entities: config.config.entities ?? [],
      framework: config.config.framework,
    }).entities;
    const open = (url: string) => Migrator.connect({ databaseUrl: url, sources: config.sources });
    const [viaReplay, viaCreate, bare] = await Promise.all([
      open(replayed.url),
      open(created.url),
      open(tablesOnly.url),
    ]);
    try {
      await viaReplay.upgrade();
      const result = await viaCreate.upgrade({ createAllFrom: entities });
      expect(result.method).toBe('replay');
      expect(result.createAllDeclined).toMatch(
        /^revision \d{14}_\w+ runs .+, which the entities do not describe$/,
      );
      const replay = await snapshotCatalog(replayed.url);
      expect(compareCatalogs(replay, await snapshotCatalog(created.url))).toEqual([]);
      // What create-all alone would have built differs, which is why it is declined here.
      await bare.createAll(entities);
      const differences = compareCatalogs(replay, await snapshotCatalog(tablesOnly.url)).map(
        formatDifference,
      );
      expect(differences).toContainEqual(
        expect.stringMatching(/^differs {2}table invoice: same columns in another order/),
      );
    } finally {
      await Promise.all([viaReplay.close(), viaCreate.close(), bare.close()]);
    }
  });
});
