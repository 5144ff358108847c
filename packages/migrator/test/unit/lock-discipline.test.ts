import { describe, expect, it } from 'vitest';
import {
  disciplineFor,
  LOCK_DISCIPLINE_DEFAULTS,
  lockDisciplineOf,
  lockSettingsSql,
  retryDelayMs,
} from '../../src/run/lock-discipline';

describe('lock discipline settings', () => {
  it('takes the defaults, then the app config, then the revision header', () => {
    expect(disciplineFor(undefined, undefined)).toEqual(LOCK_DISCIPLINE_DEFAULTS);
    expect(disciplineFor({ lockTimeoutMs: 2000, lockRetries: 1 }, { lockTimeoutMs: 50 })).toEqual({
      lockTimeoutMs: 50,
      lockRetries: 1,
    });
    expect(disciplineFor({ statementTimeoutMs: 9000 }, {})).toMatchObject({ statementTimeoutMs: 9000 });
  });

  it('keeps only the lock keys of the config section', () => {
    const migrations = { dir: 'migrations', lockTimeoutMs: 100, statementTimeoutMs: 0 };
    expect(lockDisciplineOf(migrations)).toEqual({ lockTimeoutMs: 100, statementTimeoutMs: 0 });
    expect(lockDisciplineOf(undefined)).toEqual({});
  });

  it('sets statement_timeout only when one is configured', () => {
    expect(lockSettingsSql({ lockTimeoutMs: 5000, lockRetries: 5 })).toBe('SET LOCAL lock_timeout = 5000');
    expect(lockSettingsSql({ lockTimeoutMs: 10, lockRetries: 0, statementTimeoutMs: 60000 })).toBe(
      'SET LOCAL lock_timeout = 10;\nSET LOCAL statement_timeout = 60000',
    );
  });

  it('doubles the pause between retries up to a ceiling', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(retryDelayMs)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });
});
