import { describe, expect, it } from 'vitest';
import { type ColumnType, classifyCast } from '../../src/generate/cast-safety';

type Case = readonly [ColumnType, ColumnType, 'safe' | 'fallible' | 'narrowing'];
const describeType = (c: ColumnType) =>
  `${c.type}${c.length ? `(${c.length})` : ''}${c.precision != null ? `(${c.precision},${c.scale ?? 0})` : c.scale != null ? `(*,${c.scale})` : ''}${c.isArray ? '[]' : ''}`;
const check = ([from, to, expected]: Case) => expect(classifyCast(from, to)).toBe(expected);
const name = (cases: readonly Case[]) =>
  cases.map((c) => [`${describeType(c[0])} → ${describeType(c[1])} is ${c[2]}`, c] as const);

describe('classifyCast', () => {
  describe('within one textual type, by length', () => {
    it.each(
      name([
        [{ type: 'character varying', length: '50' }, { type: 'character varying', length: '100' }, 'safe'],
        [{ type: 'character varying', length: '50' }, { type: 'character varying', length: '50' }, 'safe'],
        [
          { type: 'character varying', length: '100' },
          { type: 'character varying', length: '50' },
          'narrowing',
        ],
        [{ type: 'character varying', length: '100' }, { type: 'character varying' }, 'safe'],
        [{ type: 'character varying' }, { type: 'character varying', length: '20' }, 'narrowing'],
        [{ type: 'varchar', length: '50' }, { type: 'varchar', length: '10' }, 'narrowing'],
        [{ type: 'character', length: '5' }, { type: 'character', length: '2' }, 'narrowing'],
        [{ type: 'char', length: '5' }, { type: 'char', length: '2' }, 'narrowing'],
        [{ type: 'text' }, { type: 'text' }, 'safe'],
      ]),
    )('%s', (_, c) => check(c));

    it.each(
      name([
        [{ type: 'character varying', length: '100' }, { type: 'character varying', length: '0' }, 'safe'],
        [{ type: 'character varying', length: '100' }, { type: 'character varying', length: 'max' }, 'safe'],
        [{ type: 'character varying', length: '' }, { type: 'character varying', length: '10' }, 'narrowing'],
        [
          { type: 'character varying', length: '100' },
          { type: 'character varying', length: 'Infinity' },
          'safe',
        ],
      ]),
    )('reads a length that is not a positive number as none: %s', (_, c) => check(c));
  });

  describe('within numeric, by precision and scale', () => {
    it.each(
      name([
        [{ type: 'numeric', precision: 10, scale: 2 }, { type: 'numeric', precision: 14, scale: 2 }, 'safe'],
        [{ type: 'numeric', precision: 10, scale: 2 }, { type: 'numeric', precision: 10, scale: 2 }, 'safe'],
        [{ type: 'numeric', precision: 10, scale: 2 }, { type: 'numeric', precision: 12, scale: 4 }, 'safe'],
        [
          { type: 'numeric', precision: 10, scale: 2 },
          { type: 'numeric', precision: 11, scale: 4 },
          'narrowing',
        ],
        [
          { type: 'numeric', precision: 10, scale: 4 },
          { type: 'numeric', precision: 10, scale: 2 },
          'narrowing',
        ],
        [
          { type: 'numeric', precision: 10, scale: 4 },
          { type: 'numeric', precision: 20, scale: 2 },
          'narrowing',
        ],
        [{ type: 'numeric', precision: 10 }, { type: 'numeric', precision: 12, scale: 2 }, 'safe'],
        [{ type: 'numeric', precision: 10, scale: 2 }, { type: 'numeric', precision: 10 }, 'narrowing'],
        [{ type: 'numeric' }, { type: 'numeric', precision: 30, scale: 2 }, 'narrowing'],
        [{ type: 'numeric', precision: null }, { type: 'numeric', precision: 30, scale: 0 }, 'narrowing'],
        [
          { type: 'numeric', precision: 10, scale: 2 },
          { type: 'numeric', precision: null, scale: 2 },
          'safe',
        ],
        [
          { type: 'numeric', precision: 10, scale: 2 },
          { type: 'numeric', precision: null, scale: 1 },
          'narrowing',
        ],
        [{ type: 'numeric', scale: null }, { type: 'numeric', precision: null, scale: null }, 'safe'],
      ]),
    )('%s', (_, c) => check(c));
  });

  it.each(
    name([
      [{ type: 'integer' }, { type: 'integer' }, 'safe'],
      [{ type: 'uuid' }, { type: 'uuid' }, 'safe'],
    ]),
  )('keeps every value of an unchanged type: %s', (_, c) => check(c));

  describe('between integer types, by width', () => {
    it.each(
      name([
        [{ type: 'smallint' }, { type: 'integer' }, 'safe'],
        [{ type: 'smallint' }, { type: 'bigint' }, 'safe'],
        [{ type: 'integer' }, { type: 'bigint' }, 'safe'],
        [{ type: 'bigint' }, { type: 'integer' }, 'narrowing'],
        [{ type: 'integer' }, { type: 'smallint' }, 'narrowing'],
        [{ type: 'bigint' }, { type: 'smallint' }, 'narrowing'],
      ]),
    )('%s', (_, c) => check(c));
  });

  describe('to unbounded text', () => {
    it.each(
      name([
        [{ type: 'integer' }, { type: 'text' }, 'safe'],
        [{ type: 'timestamp with time zone' }, { type: 'character varying' }, 'safe'],
        [{ type: 'character varying', length: '50' }, { type: 'text' }, 'safe'],
        [{ type: 'character varying', length: '50' }, { type: 'citext' }, 'safe'],
        [{ type: 'citext' }, { type: 'text' }, 'safe'],
        [{ type: 'citext' }, { type: 'character varying', length: '20' }, 'narrowing'],
        [{ type: 'integer' }, { type: 'character varying', length: '10' }, 'fallible'],
        [{ type: 'integer' }, { type: 'character varying', length: '40' }, 'fallible'],
        [{ type: 'integer' }, { type: 'varchar' }, 'fallible'],
      ]),
    )('%s', (_, c) => check(c));
  });

  describe('between textual types, by length', () => {
    it.each(
      name([
        [{ type: 'character varying', length: '10' }, { type: 'character', length: '20' }, 'safe'],
        [{ type: 'character varying', length: '10' }, { type: 'character', length: '10' }, 'safe'],
        [{ type: 'character varying', length: '20' }, { type: 'character', length: '10' }, 'narrowing'],
        [{ type: 'character varying', length: '10' }, { type: 'character' }, 'narrowing'],
        [{ type: 'character varying', length: '1' }, { type: 'character' }, 'safe'],
        [{ type: 'text' }, { type: 'character', length: '1' }, 'narrowing'],
        [{ type: 'text' }, { type: 'character varying', length: '20' }, 'narrowing'],
        [{ type: 'text' }, { type: 'char', length: '5' }, 'narrowing'],
        [{ type: 'char', length: '5' }, { type: 'varchar', length: '5' }, 'safe'],
      ]),
    )('%s', (_, c) => check(c));
  });

  describe('between other types', () => {
    it.each(
      name([
        [{ type: 'real' }, { type: 'double precision' }, 'safe'],
        [{ type: 'smallint' }, { type: 'numeric' }, 'safe'],
        [{ type: 'integer' }, { type: 'numeric' }, 'safe'],
        [{ type: 'bigint' }, { type: 'numeric' }, 'safe'],
        [{ type: 'timestamp without time zone' }, { type: 'timestamp with time zone' }, 'safe'],
        [{ type: 'date' }, { type: 'timestamp without time zone' }, 'safe'],
        [{ type: 'date' }, { type: 'timestamp with time zone' }, 'safe'],
        [{ type: 'json' }, { type: 'jsonb' }, 'safe'],
        [{ type: 'jsonb' }, { type: 'json' }, 'safe'],
        [{ type: 'uuid' }, { type: 'character varying', length: '36' }, 'safe'],
        [{ type: 'uuid' }, { type: 'character', length: '40' }, 'safe'],
        [{ type: 'uuid' }, { type: 'text' }, 'safe'],
        [{ type: 'text' }, { type: 'jsonb' }, 'safe'],
        [{ type: 'character varying' }, { type: 'jsonb' }, 'safe'],
        [{ type: 'text' }, { type: 'json' }, 'safe'],
        [{ type: 'character varying' }, { type: 'json' }, 'safe'],
      ]),
    )('keeps every value or fails whole: %s', (_, c) => check(c));

    it.each(
      name([
        [{ type: 'numeric' }, { type: 'integer' }, 'narrowing'],
        [{ type: 'numeric', precision: 5, scale: 0 }, { type: 'smallint' }, 'narrowing'],
        [{ type: 'numeric' }, { type: 'bigint' }, 'narrowing'],
        [{ type: 'double precision' }, { type: 'real' }, 'narrowing'],
        [{ type: 'timestamp with time zone' }, { type: 'date' }, 'narrowing'],
        [{ type: 'timestamp with time zone' }, { type: 'timestamp without time zone' }, 'narrowing'],
        [{ type: 'timestamp without time zone' }, { type: 'date' }, 'narrowing'],
        [{ type: 'double precision' }, { type: 'integer' }, 'narrowing'],
        [
          { type: 'timestamp without time zone', precision: 6 },
          { type: 'timestamp without time zone', precision: 3 },
          'narrowing',
        ],
        [
          { type: 'timestamp with time zone' },
          { type: 'timestamp with time zone', precision: 3 },
          'narrowing',
        ],
      ]),
    )('can lose data: %s', (_, c) => check(c));

    it.each(
      name([
        [{ type: 'timestamp with time zone', precision: 3 }, { type: 'timestamp with time zone' }, 'safe'],
        [{ type: 'numeric', precision: 10, scale: 2 }, { type: 'numeric' }, 'safe'],
      ]),
    )('widens, so keeps every value: %s', (_, c) => check(c));

    it.each(
      name([
        [{ type: 'text' }, { type: 'integer' }, 'fallible'],
        [{ type: 'character varying' }, { type: 'uuid' }, 'fallible'],
        [{ type: 'double precision' }, { type: 'numeric' }, 'fallible'],

        [{ type: 'real' }, { type: 'integer' }, 'narrowing'],
        [{ type: 'text' }, { type: 'real' }, 'fallible'],
        [{ type: 'uuid' }, { type: 'character varying', length: '35' }, 'fallible'],
        [{ type: 'uuid' }, { type: 'character' }, 'fallible'],
        [{ type: 'jsonb' }, { type: 'uuid' }, 'fallible'],
      ]),
    )('keeps data when it succeeds but can fail: %s', (_, c) => check(c));
  });

  describe('arrays', () => {
    it.each(
      name([
        [{ type: 'integer' }, { type: 'integer', isArray: true }, 'fallible'],
        [{ type: 'integer', isArray: true }, { type: 'integer' }, 'fallible'],
        [{ type: 'integer', isArray: true }, { type: 'bigint', isArray: true }, 'safe'],
        [{ type: 'bigint', isArray: true }, { type: 'integer', isArray: true }, 'narrowing'],
        [{ type: 'integer', isArray: false }, { type: 'bigint' }, 'safe'],
      ]),
    )('classifies element types, and a change of arrayness as fallible: %s', (_, c) => check(c));
  });
});
