import { Migrator, type RevisionInfo } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerIds, sql, tables } from './helpers/catalog';
import { tempDir, writeChain } from './helpers/revision-folders';

describe('current, history, heads, stamp and offline SQL', () => {
  let db: TestDatabase;
  let chain: RevisionInfo[];
  let migrator: Migrator;

  beforeAll(async () => {
    db = await createTestDatabase('inspect');
    const dir = tempDir();
    chain = writeChain(dir, 'app', [
      {
        message: "create note with 'quotes'",
        up: [`CREATE TABLE note (id int, body text DEFAULT 'it''s')`],
        down: ['DROP TABLE note'],
      },
      {
        message: 'add author',
        up: ['ALTER TABLE note ADD COLUMN author text'],
        down: ['ALTER TABLE note DROP COLUMN author'],
      },
    ]);
    migrator = await Migrator.connect({ databaseUrl: db.url, sources: [{ lineage: 'app', dir }] });
  });
  afterAll(async () => {
    await migrator.close();
    await db.drop();
  });

  it('renders the upgrade as SQL without changing the database', async () => {
    const script = await migrator.renderUpgradeSql();
    expect(script).toContain('BEGIN;');
    expect(script).toContain(`CREATE TABLE note (id int, body text DEFAULT 'it''s');`);
    expect(script).toContain(`INSERT INTO "_dazzle_migrations"`);
    expect(script).toContain(`'${chain[1]!.id}'`);
    expect(await tables(db.url)).toEqual([]);
  });

  it('reports base, then heads, with history marks', async () => {
    expect((await migrator.current()).current.app).toEqual([]);
    await migrator.upgrade({ target: '+1' });
    const state = await migrator.current();
    expect(state.current.app).toEqual([chain[0]!.id]);
    expect(state.pending.map((r) => r.id)).toEqual([chain[1]!.id]);
    const history = await migrator.history();
    expect(history.map((h) => [h.revision.id, Boolean(h.applied), h.isHead])).toEqual([
      [chain[0]!.id, true, false],
      [chain[1]!.id, false, true],
    ]);
    expect(migrator.heads()).toEqual({ framework: [], app: [chain[1]!.id] });
    const down = await migrator.renderDowngradeSql('app@base');
    expect(down).toContain('DROP TABLE note;');
    expect(down).toContain(`DELETE FROM "_dazzle_migrations" WHERE "id" = '${chain[0]!.id}'`);
  });

  it('stamps a database without running anything, and back to base', async () => {
    await sql(db.url, 'ALTER TABLE note ADD COLUMN author text'); // schema built by hand
    expect(await migrator.stamp('heads')).toEqual({ added: [chain[1]!.id], removed: [] });
    expect(await ledgerIds(db.url)).toEqual(chain.map((c) => c.id));
    const [row] = await sql<{ method: string }>(
      db.url,
      'SELECT method FROM _dazzle_migrations WHERE id = $1',
      [chain[1]!.id],
    );
    expect(row!.method).toBe('stamp');
    expect(await migrator.stamp('app@base')).toEqual({ added: [], removed: chain.map((c) => c.id).sort() });
    expect(await tables(db.url)).toContain('note');
  });
});
