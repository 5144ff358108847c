import { loadSqlParser } from '@app/migrator';
import { beforeAll, describe, expect, it } from 'vitest';
import { typeRewriteWarnings } from '../../src/generate/type-rewrite-warnings';

beforeAll(async () => {
  await loadSqlParser();
});

const warn = (sql: string, existing = ['bill']) => typeRewriteWarnings([{ sql }], new Set(existing));

describe('typeRewriteWarnings', () => {
  it('flags integer → bigint on an existing table with the expand/contract sequence, in one line', () => {
    const [line, ...rest] = warn('ALTER TABLE "bill" ALTER COLUMN "total" TYPE bigint USING "total"::bigint');
    expect(rest).toEqual([]);
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^Warning: bill\.total becomes bigint, which rewrites bill under ACCESS EXCLUSIVE/);
    expect(line).toContain(
      'add a new bigint column, backfill it with batchUpdate in a transactional: false revision, switch the code to it, drop total in a later revision',
    );
    expect(line).toMatch(/; `dazzle db revision --expand` writes that pair\.$/);
  });

  it('flags other rewriting targets by the name people write', () => {
    expect(warn('ALTER TABLE "bill" ALTER COLUMN "n" TYPE integer USING "n"::integer')[0]).toContain(
      'becomes integer',
    );
    expect(warn('ALTER TABLE "bill" ALTER COLUMN "at" TYPE timestamp with time zone')[0]).toContain(
      'becomes timestamptz',
    );
  });

  it('does not flag changes PostgreSQL makes without a rewrite, or tables the revision creates', () => {
    expect(warn('ALTER TABLE "bill" ALTER COLUMN "name" TYPE character varying(200)')).toEqual([]);
    expect(warn('ALTER TABLE "bill" ALTER COLUMN "name" TYPE text')).toEqual([]);
    expect(warn('ALTER TABLE "fresh" ALTER COLUMN "n" TYPE bigint')).toEqual([]);
    expect(warn('ALTER TABLE "bill" ADD "n" bigint')).toEqual([]);
  });
});
