import { readFileSync } from 'node:fs';
import { buildMetadata, type EntityClass } from '@app/metadata-builder';
import {
  type CatalogSnapshot,
  openDataSource,
  type RevisionStep,
  readCatalog,
  snapshotCatalog,
} from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import type { DataSource, QueryRunner } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRevision } from '../src';
import type { OnlineRevision } from '../src/generate/online-steps';
import { proveSteps } from '../src/generate/prove-steps';
import { schemaChangesSince, sql } from './helpers/catalog';
import { withMigrator } from './helpers/migrator';
import { tempDir } from './helpers/revision-folders';

@Entity('payer')
class Payer {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text' }) name: string;
}
@Entity('charge')
class ChargeV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) amount: number;
  @Column({ type: 'date', nullable: true }) due: string | null;
  @Column({ type: 'integer', nullable: true }) payer_id: number | null;
}
@Entity('charge')
@Index('IDX_charge_amount', ['amount'])
class ChargeV2 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) amount: number;
  @Column({ type: 'date' }) due: string;
  @Column({ type: 'integer', nullable: true }) payer_id: number | null;
  @ManyToOne(() => Payer)
  @JoinColumn({ name: 'payer_id', foreignKeyConstraintName: 'FK_charge_payer' })
  payer: Payer;
}

describe('revision proves the stepped form it writes', () => {
  let db: TestDatabase;
  const dir = tempDir('dazzle-stepped-proof-');
  const sources = () => [{ lineage: 'app' as const, dir }];
  const generate = (entities: EntityClass[]) =>
    generateRevision({
      serverUrl: db.url,
      sources: sources(),
      metadata: buildMetadata({ entities, framework: { enabled: false } }),
      lineage: 'app',
      message: entities.map((e) => e.name).join(' '),
    });

  beforeAll(async () => {
    db = await createTestDatabase('stepped_proof');
  });
  afterAll(() => db.drop());

  it('applies the index, foreign key and SET NOT NULL steps down and up on the shadow with rows, and says so', async () => {
    await generate([Payer, ChargeV1]);
    await withMigrator(db.url, sources(), (m) => m.upgrade());
    await sql(
      db.url,
      `INSERT INTO payer (name) VALUES ('ada');
       INSERT INTO charge (amount, due, payer_id) SELECT g, DATE '2026-01-01' + g, 1 FROM generate_series(1, 50) g`,
    );
    const before = await snapshotCatalog(db.url);

    const { revision, steps, notes } = await generate([Payer, ChargeV2]);
    expect(steps?.up.some((s) => !s.transaction)).toBe(true);
    expect(notes).toContainEqual(
      expect.stringMatching(
        /^Steps proven on the shadow as they are written, down then up.*with rows in .*charge/,
      ),
    );
    expect(notes.some((n) => n.startsWith('Steps NOT proven'))).toBe(false);
    const file = readFileSync(revision!.file, 'utf8');
    expect(file).toContain('Steps proven on the shadow as they are written');
    expect(file).not.toContain('HAND-FILL');

    await withMigrator(db.url, sources(), (m) => m.upgrade());
    const upgraded = await snapshotCatalog(db.url);
    expect(await schemaChangesSince(before, db.url)).not.toEqual([]);
    await withMigrator(db.url, sources(), (m) => m.downgrade('-1'));
    expect(await schemaChangesSince(before, db.url)).toEqual([]);
    await withMigrator(db.url, sources(), (m) => m.upgrade());
    expect(await schemaChangesSince(upgraded, db.url)).toEqual([]);
    expect(await sql(db.url, 'SELECT count(*)::int AS n FROM charge')).toEqual([{ n: 50 }]);
  });
});

describe('proveSteps', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let runner: QueryRunner;
  let before: CatalogSnapshot;
  const addCheck = 'ALTER TABLE "ledger" ADD CONSTRAINT "CHK_ledger_amount" CHECK ("amount" >= 0) NOT VALID';
  const validate = 'ALTER TABLE "ledger" VALIDATE CONSTRAINT "CHK_ledger_amount"';
  /** The up adds a check NOT VALID then validates it; the down is the test's. */
  const stepped = (down: string[], downSteps: RevisionStep[]): OnlineRevision => ({
    up: [{ sql: addCheck }, { sql: validate }],
    down: down.map((s) => ({ sql: s })),
    steps: {
      up: [
        { statements: 1, transaction: true },
        { statements: 1, transaction: true },
      ],
      down: downSteps,
    },
    notes: [],
  });
  const oneStep = [{ statements: 1, transaction: true }];

  beforeAll(async () => {
    db = await createTestDatabase('prove_steps');
    await sql(
      db.url,
      `CREATE TABLE ledger (id serial PRIMARY KEY, amount integer NOT NULL);
       INSERT INTO ledger (amount) SELECT g FROM generate_series(1, 20) g`,
    );
    dataSource = await openDataSource(db.url, { entities: [] });
    runner = dataSource.createQueryRunner();
    await runner.connect();
    before = await readCatalog(runner);
    await runner.query(`${addCheck}; ${validate}`);
  });
  afterAll(async () => {
    await runner.release();
    await dataSource.destroy();
    await db.drop();
  });

  it('writes a down that leaves a different schema as a hand-fill step with the reason', async () => {
    const after = await readCatalog(runner);
    const proof = await proveSteps(runner, before, stepped(['SELECT 1'], oneStep));
    expect(proof.down[0]!.handFill).toMatch(
      /^these steps were tried on the shadow and the down after it, .*CHK_ledger_amount/,
    );
    expect(proof.up.some((s) => s.handFill)).toBe(false);
    expect(proof.notes).toContain('Steps NOT proven: see the hand-fill step in down().');
    expect(await schemaChangesSince(after, db.url)).toEqual([]);
  });

  it('leaves the open session exactly as the up left it when a step fails half-way', async () => {
    const after = await readCatalog(runner);
    const rows = await runner.query('SELECT count(*)::int AS n FROM ledger');
    await runner.startTransaction();
    try {
      const proof = await proveSteps(
        runner,
        before,
        stepped(
          [
            'ALTER TABLE "ledger" DROP CONSTRAINT "CHK_ledger_amount"',
            'ALTER TABLE "ledger" DROP COLUMN "nope"',
          ],
          [...oneStep, ...oneStep],
        ),
      );
      expect(proof.down[0]!.handFill).toMatch(
        /the down step 2 of 2 failed: column "nope" of relation "ledger" does not exist/,
      );
      expect(await readCatalog(runner)).toEqual(after);
      expect(await runner.query('SELECT count(*)::int AS n FROM ledger')).toEqual(rows);
    } finally {
      await runner.rollbackTransaction();
    }
  });

  it('proves a correct down with a row in the table and removes that row afterwards', async () => {
    const after = await readCatalog(runner);
    const rows = await runner.query('SELECT count(*)::int AS n FROM ledger');
    const proof = await proveSteps(
      runner,
      before,
      stepped(['ALTER TABLE "ledger" DROP CONSTRAINT "CHK_ledger_amount"'], oneStep),
    );
    expect(proof.down.some((s) => s.handFill)).toBe(false);
    expect(proof.notes[0]).toMatch(/^Steps proven on the shadow as they are written.*with rows in ledger/);
    expect(await readCatalog(runner)).toEqual(after);
    expect(await runner.query('SELECT count(*)::int AS n FROM ledger')).toEqual(rows);
  });

  it('asks for a database of its own when a step must run outside the open session', async () => {
    await runner.startTransaction();
    try {
      const concurrent: OnlineRevision = {
        up: [{ sql: 'CREATE INDEX CONCURRENTLY "IDX_ledger_amount" ON "ledger" ("amount")' }],
        down: [{ sql: 'DROP INDEX CONCURRENTLY "IDX_ledger_amount"' }],
        steps: { up: [{ statements: 1, transaction: false }], down: [{ statements: 1, transaction: false }] },
        notes: [],
      };
      await expect(proveSteps(runner, before, concurrent)).rejects.toMatchObject({ code: '25001' });
    } finally {
      await runner.rollbackTransaction();
    }
  });
});
