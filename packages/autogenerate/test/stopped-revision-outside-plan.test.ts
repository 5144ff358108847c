import type { Migrator, RevisionInfo } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerIds, sql } from './helpers/catalog';
import { withMigrator as migratorOn } from './helpers/migrator';
import { refusal } from './helpers/refusal';
import { tempDir, writeChain } from './helpers/revision-folders';

/** base ← stepped (whose validation fails on a negative v) and base ← side: two branches. */
function writeBranches(dir: string): { base: RevisionInfo; stepped: RevisionInfo; side: RevisionInfo } {
  const [base] = writeChain(dir, 'app', [
    { message: 'base', up: ['CREATE TABLE item (id serial PRIMARY KEY, v int)'], down: ['DROP TABLE item'] },
  ]);
  const [stepped, side] = writeChain(dir, 'app', [
    {
      message: 'stepped',
      parents: [base!.id],
      transactional: false,
      steps: {
        up: [
          { statements: 1, transaction: true },
          { statements: 1, transaction: true },
        ],
        down: [{ statements: 1, transaction: true }],
      },
      up: [
        'ALTER TABLE "item" ADD CONSTRAINT "item_v_positive" CHECK ("v" > 0) NOT VALID',
        'ALTER TABLE "item" VALIDATE CONSTRAINT "item_v_positive"',
      ],
      down: ['ALTER TABLE "item" DROP CONSTRAINT "item_v_positive"'],
    },
    { message: 'side', parents: [base!.id], up: ['CREATE TABLE side (id int)'], down: ['DROP TABLE side'] },
  ]);
  return { base: base!, stepped: stepped!, side: side! };
}

describe('a stepped revision that stopped, and a run whose plan leaves it out', () => {
  let db: TestDatabase;
  let dir: string;
  const withMigrator = <T>(work: (m: Migrator) => Promise<T>) =>
    migratorOn(db.url, [{ lineage: 'app', dir }], work);
  const progress = () => sql(db.url, 'SELECT id, direction, state FROM _dazzle_revision_progress');

  beforeEach(async () => {
    db = await createTestDatabase('stopped_outside');
    dir = tempDir('dazzle-stopped-outside-');
  });
  afterEach(() => db.drop());

  it('refuses `upgrade <another branch>` with REVISION_INCOMPLETE naming the command that finishes it, running nothing', async () => {
    const { base, stepped, side } = writeBranches(dir);
    await withMigrator((m) => m.upgrade({ target: base.id }));
    await sql(db.url, 'INSERT INTO item (v) VALUES (1), (-1)');
    expect((await refusal(withMigrator((m) => m.upgrade({ target: stepped.id })))).code).toBe(
      'MIGRATION_FAILED',
    );
    expect(await progress()).toEqual([{ id: stepped.id, direction: 'up', state: 'step-failed' }]);

    const refused = await refusal(withMigrator((m) => m.upgrade({ target: side.id })));
    expect(refused.code).toBe('REVISION_INCOMPLETE');
    expect(refused.message).toMatch(
      new RegExp(
        `^Revision ${stepped.id} \\(.*\\) failed upgrading at statement 2 \\(ALTER TABLE "item" VALIDATE CONSTRAINT "item_v_positive";?\\): .*; the 1 statement before it stay applied, and this upgrade does not include it`,
      ),
    );
    expect(refused.message).toContain(`Finish it first with \`dazzle db upgrade ${stepped.id}\``);
    expect(refused.message).toContain(`\`dazzle db resolve ${stepped.id} --rolled-back\``);
    expect(await sql(db.url, `SELECT to_regclass('side') AS t`)).toEqual([{ t: null }]);
    expect(await ledgerIds(db.url)).toEqual([base.id]);
    expect(await progress()).toEqual([{ id: stepped.id, direction: 'up', state: 'step-failed' }]);

    // The command it names finishes the revision; then the other branch goes up.
    await sql(db.url, 'DELETE FROM item WHERE v < 0');
    await withMigrator((m) => m.upgrade({ target: stepped.id }));
    await withMigrator((m) => m.upgrade({ target: side.id }));
    expect((await ledgerIds(db.url)).sort()).toEqual([base.id, side.id, stepped.id].sort());
    expect(await progress()).toEqual([]);
  });
});
