// The ledger as both readers see it: the plain pg client of `current`, `history` and the no-op
// `upgrade` check, and the TypeORM session of `upgrade`. Same query, same rows, awkward text included.
import { createTestDatabase, queryDatabase as sql, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataSource } from '../src/database/connect';
import { BOOTSTRAP_STATEMENTS, insertLedgerRowSql, readLedger } from '../src/ledger/ledger';
import { readLedgerOverPg } from '../src/ledger/read-ledger-pg';

/** Parent ids no generator writes but a hand-edited ledger could hold: what array literals quote. */
const AWKWARD = ['a,b', 'with "quotes"', 'NULL', 'back\\slash', '{braces}', ' spaced ', 'é'];

describe('reading the ledger', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('ledger_read');
    for (const statement of BOOTSTRAP_STATEMENTS) await sql(db.url, statement);
    const insert = insertLedgerRowSql();
    await sql(db.url, insert, ['001_first', 'app', [], [], 'first', 'a'.repeat(64), 5, 'test', 'run']);
    await sql(db.url, insert, [
      '002_second',
      'app',
      AWKWARD,
      ['001_first'],
      'second',
      'b'.repeat(64),
      7,
      'test',
      'stamp',
    ]);
  });
  afterAll(() => db?.drop());

  it('gives parents and dependsOn as the arrays written, over pg and through TypeORM alike', async () => {
    const overPg = await readLedgerOverPg(db.url);
    expect(overPg?.map((r) => [r.id, r.parents, r.dependsOn, r.method, r.executionMs])).toEqual([
      ['001_first', [], [], 'run', 5],
      ['002_second', AWKWARD, ['001_first'], 'stamp', 7],
    ]);
    // The instant the driver's own timestamp parser gives (to the millisecond, truncated).
    const stamps = await sql(
      db.url,
      'SELECT "applied_at" FROM "_dazzle_migrations" ORDER BY "applied_at", "id"',
    );
    expect(overPg?.map((r) => r.appliedAt)).toEqual(stamps.map((r) => r.applied_at));
    expect(overPg?.every((r) => r.appliedAt instanceof Date)).toBe(true);

    const dataSource = await openDataSource(db.url);
    const runner = dataSource.createQueryRunner();
    try {
      expect(await readLedger(runner)).toEqual(overPg);
    } finally {
      await runner.release();
      await dataSource.destroy();
    }
  });

  it('reads a database that was never upgraded as no ledger', async () => {
    const empty = await createTestDatabase('ledger_read_empty');
    try {
      expect(await readLedgerOverPg(empty.url)).toBeUndefined();
    } finally {
      await empty.drop();
    }
  });
});
