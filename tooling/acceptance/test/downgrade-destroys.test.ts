import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';

const WITH_NOTE =
  "@Column({ type: 'varchar', length: 10, nullable: true })\n  code: string | null;\n\n  @Column({ type: 'text', nullable: true })\n  note: string | null;";

describe('downgrade says what it destroys, and refuses to lose data without --allow-destructive', () => {
  let db: TestDatabase;
  let app: string;
  let env: NodeJS.ProcessEnv;
  const ledger = async () =>
    (
      await queryDatabase<{ n: number }>(
        db.url,
        `SELECT count(*)::int AS n FROM _dazzle_migrations WHERE lineage = 'app'`,
      )
    )[0]!.n;
  const columns = async () =>
    (
      await queryDatabase<{ c: string }>(
        db.url,
        `SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'item' ORDER BY ordinal_position`,
      )
    ).map((r) => r.c);

  beforeAll(async () => {
    db = await createTestDatabase('acceptance_downgrade_loss');
    env = { DATABASE_URL: db.url, CI: '1' };
    app = newApp('downgrade-loss');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    expect((await dazzle(app, ['db', 'revision', '-m', 'create item'], env)).code).toBe(0);
    writeFiles(app, { 'src/item.ts': itemEntity(WITH_NOTE) });
    expect((await dazzle(app, ['db', 'revision', '-m', 'add note'], env)).code).toBe(0);
    expect((await dazzle(app, ['db', 'upgrade'], env)).code).toBe(0);
    await queryDatabase(
      db.url,
      `INSERT INTO item (name, note) VALUES ('a', 'kept'), ('b', 'also kept'), ('c', NULL)`,
    );
  });
  afterAll(() => db.drop());

  it('refuses to drop a column holding values, names it with its count, and changes nothing', async () => {
    const refused = await dazzle(app, ['db', 'downgrade', '-1'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^Error DOWNGRADE_DESTROYS_DATA: Reverting would destroy data in column "item"\."note" \(2 values\): nothing was reverted\. .*--allow-destructive/m,
    );
    expect(await columns()).toEqual(['id', 'name', 'code', 'note']);
    expect(await ledger()).toBe(2);
  });

  it('reverts with --allow-destructive and prints what it dropped', async () => {
    const reverted = await dazzle(app, ['db', 'downgrade', '-1', '--allow-destructive'], env);
    expect(reverted.code).toBe(0);
    expect(reverted.stdout).toMatch(
      /Destroyed column "item"\."note" \(2 values\) \(revision \S+_add_note\)\./,
    );
    expect(reverted.stdout).toMatch(/Reverted 1 revision/);
    expect(await columns()).toEqual(['id', 'name', 'code']);
    expect(await ledger()).toBe(1);
  });

  it('refuses to drop a table holding rows; --json lists the rows destroyed', async () => {
    const refused = await dazzle(app, ['db', 'downgrade', 'app@base', '--json'], env);
    expect(refused.code).toBe(1);
    const error = JSON.parse(refused.stdout) as { code: string; details: { lost: unknown[] } };
    expect(error.code).toBe('DOWNGRADE_DESTROYS_DATA');
    expect(error.details.lost).toEqual([expect.objectContaining({ table: 'item', rows: 3 })]);
    expect(await ledger()).toBe(1);

    const reverted = await dazzle(app, ['db', 'downgrade', 'app@base', '--allow-destructive', '--json'], env);
    expect(reverted.code).toBe(0);
    const result = JSON.parse(reverted.stdout) as { destroyed: unknown[] };
    expect(result.destroyed).toEqual([expect.objectContaining({ table: 'item', rows: 3 })]);
    const tables = await queryDatabase(
      db.url,
      `SELECT 1 FROM information_schema.tables WHERE table_name = 'item'`,
    );
    expect(tables).toEqual([]);
  });
});
