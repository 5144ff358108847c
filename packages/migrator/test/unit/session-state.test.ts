import { beforeAll, describe, expect, it } from 'vitest';
import { leaseFenceSql } from '../../src/lock/lease-fence';
import { sessionStateOf } from '../../src/lock/pooler-detection';
import { loadSqlParser } from '../../src/sql/statement-facts';

describe('sessionStateOf: what a transaction pooler would leave on another client', () => {
  beforeAll(() => loadSqlParser());

  it.each([
    ['SET statement_timeout = 0', 'a session setting (SET statement_timeout = 0)'],
    ['set search_path to app, public', 'a session setting (set search_path to app, public)'],
    ['RESET work_mem', 'a session setting (RESET work_mem)'],
    ['LISTEN invoice_events', 'LISTEN'],
    ['PREPARE find (int) AS SELECT $1', 'PREPARE'],
    ['CREATE TEMP TABLE scratch (id int)', 'a temporary table'],
    ['SELECT pg_advisory_lock(42)', 'a session advisory lock'],
    ['CREATE TABLE a (id int); SET lock_timeout = 1000', 'a session setting (SET lock_timeout = 1000)'],
  ])('%s → %s', (sql, state) => {
    expect(sessionStateOf(sql)).toBe(state);
  });

  it.each([
    'SET LOCAL statement_timeout = 0',
    'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE',
    'CREATE TABLE scratch (id int)',
    'SELECT pg_advisory_xact_lock(42)',
    'CREATE INDEX CONCURRENTLY i ON t (c)',
    'BEGIN',
  ])('%s leaves nothing behind', (sql) => {
    expect(sessionStateOf(sql)).toBeUndefined();
  });
});

describe('leaseFenceSql', () => {
  it('names the token it checks and raises the lease-lost SQLSTATE', () => {
    const sql = leaseFenceSql({ token: '17', holder: 'h' });
    expect(sql).toContain('"token" = 17');
    expect(sql).toContain("ERRCODE = 'DZ002'");
  });

  it('refuses a token that is not a number, since it is inlined', () => {
    expect(() => leaseFenceSql({ token: '1; DROP TABLE x', holder: 'h' })).toThrow(/Invalid lease token/);
  });
});
