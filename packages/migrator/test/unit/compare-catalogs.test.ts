import { describe, expect, it } from 'vitest';
import {
  type CatalogColumn,
  type CatalogSnapshot,
  OBJECT_KINDS,
  type ObjectKind,
} from '../../src/catalog/catalog-snapshot';
import { compareCatalogs, formatDifference } from '../../src/catalog/compare-catalogs';

/** A snapshot from `table: 'col type, col type'` lists plus any other objects by kind. */
function snapshot(
  tables: Record<string, string>,
  objects: Partial<Record<ObjectKind, Record<string, string>>> = {},
): CatalogSnapshot {
  const columns: CatalogColumn[] = Object.entries(tables).flatMap(([table, list]) =>
    list.split(', ').map((item, i) => {
      const [column, ...rest] = item.split(' ');
      const definition = rest.join(' ');
      return { table, column: column!, position: i + 1, type: definition, default: null, definition };
    }),
  );
  const all = Object.fromEntries(
    OBJECT_KINDS.map((k) => [k, objects[k] ?? {}]),
  ) as CatalogSnapshot['objects'];
  all.table = Object.fromEntries(Object.keys(tables).map((t) => [t, 'table']));
  return { columns, enums: [], objects: all, typeormMetadata: {} };
}

describe('compareCatalogs', () => {
  it('finds nothing between equal snapshots', () => {
    const a = snapshot({ item: 'id integer' });
    expect(compareCatalogs(a, snapshot({ item: 'id integer' }))).toEqual([]);
  });

  it('lists missing, extra and different objects in both directions, by kind then name', () => {
    const expected = snapshot(
      { item: 'id integer, name text', gone: 'id integer' },
      { extension: { citext: 'citext' }, view: { active: 'SELECT 1' } },
    );
    const actual = snapshot(
      { item: 'name text, id integer' },
      { index: { idx_hand: 'CREATE INDEX idx_hand ON item (name) (INVALID)' } },
    );
    expect(compareCatalogs(expected, actual).map(formatDifference)).toEqual([
      'missing  extension citext: citext',
      'missing  table gone: id integer',
      'differs  table item: same columns in another order: columns in the order name, id',
      'extra    index idx_hand: CREATE INDEX idx_hand ON item (name) (INVALID)',
      'missing  view active: SELECT 1',
    ]);
  });

  it('names the column that differs, and marks only a pure reordering as order-only', () => {
    const differences = compareCatalogs(
      snapshot({ item: 'id integer, code text' }),
      snapshot({ item: 'id integer, code character varying(20), note text' }),
    );
    expect(differences.map(formatDifference)).toEqual([
      'differs  column item.code: expected text; found character varying(20)',
      'extra    column item.note: text',
    ]);
    expect(differences.some((d) => d.orderOnly)).toBe(false);
  });
});
