import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { revisionFile, revisionFiles } from './harness/revisions';

const CONFIG = `import { defineConfig } from '@app/cli';
import { Stock } from './src/stock';

export default defineConfig({ entities: [Stock] });
`;

/** stock: qty is a plain column; reserved has an index. */
const stockEntity = (
  qtyType: string,
  reservedType: string,
) => `import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('stock')
@Index('stock_reserved_idx', ['reserved'])
export class Stock {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: '${qtyType}', default: 0 })
  qty: number;

  @Column({ type: '${reservedType}', default: 0 })
  reserved: number;
}
`;

const errorLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('Error'));

describe('revision --expand writes expand and contract revisions that upgrade and downgrade apply in turn', () => {
  let app = '';
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv = {};
  const run = (...args: string[]) => dazzle(app, args, env);
  const qty = () =>
    queryDatabase(
      db.url,
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS required
       FROM pg_attribute a WHERE a.attrelid = 'stock'::regclass AND a.attname LIKE 'qty%' AND NOT a.attisdropped ORDER BY 1`,
    );
  const rows = () => queryDatabase(db.url, 'SELECT count(*)::int AS n, sum(qty)::text AS sum FROM stock');

  beforeAll(async () => {
    app = newApp('expand-contract');
    db = await createTestDatabase('acc_expand_contract');
    env = { DATABASE_URL: db.url };
    writeFiles(app, { 'dazzle.config.ts': CONFIG, 'src/stock.ts': stockEntity('integer', 'integer') });
    expect((await run('db', 'revision', '-m', 'create stock')).code).toBe(0);
    expect((await run('db', 'upgrade')).code).toBe(0);
    await queryDatabase(
      db.url,
      'INSERT INTO stock (qty, reserved) SELECT g, g % 10 FROM generate_series(1, 3000) g',
    );
  });
  afterAll(() => db?.drop());

  it('refuses a column with an index in one line naming it, writing nothing', async () => {
    writeFiles(app, { 'src/stock.ts': stockEntity('integer', 'bigint') });
    const before = revisionFiles(app);
    const result = await run('db', 'revision', '--expand', '-m', 'widen reserved');
    writeFiles(app, { 'src/stock.ts': stockEntity('integer', 'integer') });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    expect(errorLines(result.stderr)).toEqual([
      'Error EXPAND_NOT_POSSIBLE: stock.reserved has a dependant, index stock_reserved_idx, which --expand does not rebuild on the new column yet: drop it in a revision of its own first and add it back after the contract revision, or run without --expand (the type change then rewrites stock under ACCESS EXCLUSIVE).',
    ]);
    expect(revisionFiles(app)).toEqual(before);
  });

  it('expand, then contract, then check in step; both downgrades bring the integer column and its rows back', async () => {
    writeFiles(app, { 'src/stock.ts': stockEntity('bigint', 'integer') });
    const revision = await run('db', 'revision', '--expand', '-m', 'widen qty');
    expect(revision.code, revision.stderr).toBe(0);
    const expandId = basename(revisionFile(app, 'expand_widen_qty'), '.ts');
    const contractId = basename(revisionFile(app, 'contract_widen_qty'), '.ts');
    expect(revision.stdout).toMatch(new RegExp(`Wrote .*${expandId}\\.ts`));
    expect(revision.stdout).toMatch(new RegExp(`Wrote .*${contractId}\\.ts`));
    expect(revision.stdout).toContain('Expand, 1 of 2, for stock.qty (integer → bigint)');
    expect(revision.stdout).toContain('Contract, 2 of 2, for stock.qty (integer → bigint)');
    expect(revision.stdout).toContain(`dazzle db upgrade ${expandId}`);
    expect(readFileSync(revisionFile(app, 'contract_widen_qty'), 'utf8')).toContain(
      `parents: ['${expandId}']`,
    );
    const before = await rows();

    const expand = await run('db', 'upgrade', expandId);
    expect(expand.code, expand.stderr).toBe(0);
    expect(expand.stderr).toMatch(/step 2 of 4 \(outside a transaction\)/);
    expect(await qty()).toEqual([
      { name: 'qty', type: 'integer', required: true },
      { name: 'qty_dz_new', type: 'bigint', required: false },
    ]);
    expect(
      await queryDatabase(
        db.url,
        'SELECT count(*)::int AS behind FROM stock WHERE qty_dz_new IS DISTINCT FROM qty',
      ),
    ).toEqual([{ behind: 0 }]);

    const contract = await run('db', 'upgrade');
    expect(contract.code, contract.stderr).toBe(0);
    expect(await qty()).toEqual([{ name: 'qty', type: 'bigint', required: true }]);
    expect(await rows()).toEqual(before);
    const check = await run('db', 'check');
    expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);

    const undoContract = await run('db', 'downgrade', '-1');
    expect(undoContract.code, undoContract.stderr).toBe(0);
    expect(await qty()).toEqual([
      { name: 'qty', type: 'integer', required: true },
      { name: 'qty_dz_new', type: 'bigint', required: false },
    ]);
    const undoExpand = await run('db', 'downgrade', '-1', '--allow-destructive');
    expect(undoExpand.code, undoExpand.stderr).toBe(0);
    expect(await qty()).toEqual([{ name: 'qty', type: 'integer', required: true }]);
    expect(await rows()).toEqual(before);
    expect(
      await queryDatabase(
        db.url,
        `SELECT id FROM _dazzle_migrations WHERE id IN ('${expandId}', '${contractId}')`,
      ),
    ).toEqual([]);
  }, 480_000);
});
