import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  adminUrl,
  leftBehindError,
  makeTempDir,
  queryDatabase,
  reclaimDatabases,
  removeTempDirs,
  takeDatabaseCensus,
} from '../src/index.js';

/** Only this file's names: other suites create and drop databases on the same server meanwhile. */
const OURS = ['t_census_', 'dazzle_cache_census_'];

describe('the database census of a test run', () => {
  it('drops the kept shadows and leaked databases made since it began, and fails on the leaks', async () => {
    const census = await takeDatabaseCensus(adminUrl());
    await queryDatabase(adminUrl(), 'CREATE DATABASE t_census_leak');
    await queryDatabase(adminUrl(), 'CREATE DATABASE dazzle_cache_census_kept');
    const result = await reclaimDatabases(census, OURS);
    expect(result.leaked).toEqual(['t_census_leak']);
    expect(result.keptShadows).toEqual(['dazzle_cache_census_kept']);
    expect(leftBehindError(result)?.message).toMatch(
      /left 1 database\(s\) behind \(now dropped\): t_census_leak/,
    );
    const left = await queryDatabase(
      adminUrl(),
      `SELECT datname FROM pg_database WHERE datname IN ('t_census_leak', 'dazzle_cache_census_kept')`,
    );
    expect(left).toEqual([]);
  });

  it('passes a run that left only kept shadows', async () => {
    const census = await takeDatabaseCensus(adminUrl());
    await queryDatabase(adminUrl(), 'CREATE DATABASE dazzle_cache_census_only');
    const result = await reclaimDatabases(census, OURS);
    expect(leftBehindError({ ...result, countAfter: result.countBefore })).toBeUndefined();
    expect(result).toMatchObject({ leaked: [], keptShadows: ['dazzle_cache_census_only'] });
  });

  it('fails a run whose database count changed under a name it does not know', () => {
    const error = leftBehindError({ keptShadows: [], leaked: [], countBefore: 3, countAfter: 4 });
    expect(error?.message).toMatch(/3 databases before the test run and 4 after/);
  });
});

describe('makeTempDir', () => {
  it('makes folders that removeTempDirs deletes', () => {
    const dirs = [makeTempDir('dazzle-census-'), makeTempDir('dazzle-census-')];
    expect(dirs.every((dir) => existsSync(dir))).toBe(true);
    expect(removeTempDirs()).toBe(2);
    expect(dirs.some((dir) => existsSync(dir))).toBe(false);
  });
});
