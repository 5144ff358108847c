import { describe, expect, it } from 'vitest';
import { CATALOG_KINDS, type CatalogSnapshot } from '../../src/catalog/catalog-snapshot';
import { compareCatalogs, formatDifference } from '../../src/catalog/compare-catalogs';

function snapshot(parts: Partial<CatalogSnapshot>): CatalogSnapshot {
  return Object.fromEntries(CATALOG_KINDS.map((k) => [k, parts[k] ?? {}])) as CatalogSnapshot;
}

describe('compareCatalogs', () => {
  it('finds nothing between equal snapshots', () => {
    const a = snapshot({ table: { item: 'id integer NOT NULL' } });
    expect(compareCatalogs(a, snapshot({ table: { item: 'id integer NOT NULL' } }))).toEqual([]);
  });

  it('lists missing, extra and different objects in both directions, by kind then name', () => {
    const expected = snapshot({
      extension: { citext: 'citext' },
      table: { item: 'id integer, name text' },
      view: { active: 'SELECT 1' },
    });
    const actual = snapshot({
      table: { item: 'name text, id integer' },
      index: { idx_hand: 'CREATE INDEX idx_hand ON item (name) (INVALID)' },
    });
    expect(compareCatalogs(expected, actual).map(formatDifference)).toEqual([
      'missing  extension citext: citext',
      'differs  table item: same items in another order: name text, id integer',
      'extra    index idx_hand: CREATE INDEX idx_hand ON item (name) (INVALID)',
      'missing  view active: SELECT 1',
    ]);
  });

  it('names the columns only one side has', () => {
    const [d] = compareCatalogs(
      snapshot({ table: { item: 'id integer, code text' } }),
      snapshot({ table: { item: 'id integer, code character varying(20)' } }),
    );
    expect(formatDifference(d!)).toBe(
      'differs  table item: expected code text; found code character varying(20)',
    );
  });
});
