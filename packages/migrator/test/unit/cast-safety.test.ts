import { describe, expect, it } from 'vitest';
import { classifyCast } from '../../src/generate/cast-safety';

describe('classifyCast', () => {
  it.each([
    [{ type: 'character varying', length: '50' }, { type: 'character varying', length: '100' }, 'safe'],
    [{ type: 'character varying', length: '100' }, { type: 'character varying', length: '50' }, 'narrowing'],
    [{ type: 'character varying', length: '50' }, { type: 'text' }, 'safe'],
    [{ type: 'text' }, { type: 'character varying', length: '20' }, 'narrowing'],
    [{ type: 'integer' }, { type: 'bigint' }, 'safe'],
    [{ type: 'bigint' }, { type: 'integer' }, 'narrowing'],
    [{ type: 'numeric', precision: 10, scale: 2 }, { type: 'numeric', precision: 14, scale: 2 }, 'safe'],
    [{ type: 'numeric', precision: 10, scale: 4 }, { type: 'numeric', precision: 10, scale: 2 }, 'narrowing'],
    [{ type: 'text' }, { type: 'jsonb' }, 'safe'],
    [{ type: 'text' }, { type: 'integer' }, 'fallible'],
    [{ type: 'character varying' }, { type: 'uuid' }, 'fallible'],
    [{ type: 'timestamp without time zone' }, { type: 'timestamp with time zone' }, 'safe'],
    [{ type: 'integer' }, { type: 'integer', isArray: true }, 'fallible'],
  ] as const)('%o → %o is %s', (from, to, expected) => {
    expect(classifyCast(from, to)).toBe(expected);
  });
});
