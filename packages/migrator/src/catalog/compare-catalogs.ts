/**
 * Compares two catalog snapshots object by object, in both directions: the one comparison behind
 * the down proof, create-all ≡ replay, `check --live` and stamp verification. Pure, so the rules
 * are unit-tested without a database; the reading is in catalog-snapshot.ts.
 */
import {
  CATALOG_KINDS,
  type CatalogColumn,
  type CatalogKind,
  type CatalogSnapshot,
  OBJECT_KINDS,
  type ObjectKind,
} from './catalog-snapshot';

export interface CatalogDifference {
  kind: CatalogKind;
  /** The object's name, schema-qualified outside `public` (`table.column` for a column). */
  name: string;
  /** Its description in the expected database; undefined when only the actual one has it. */
  expected?: string;
  /** Its description in the actual database; undefined when it is missing there. */
  actual?: string;
  /**
   * Only the order of a table's columns differs. PostgreSQL cannot put a column back where it
   * was: a down that re-adds a dropped column adds it last, which changes no query by name. The
   * down proof tolerates it; create-all ≡ replay and drift checks do not.
   */
  orderOnly?: true;
}

/** Each object's name mapped to its description, for one kind. */
function describedAs(snapshot: CatalogSnapshot, kind: CatalogKind): Record<string, string> {
  if (kind === 'column')
    return Object.fromEntries(snapshot.columns.map((c) => [`${c.table}.${c.column}`, c.definition]));
  if (kind === 'enum') return Object.fromEntries(snapshot.enums.map((e) => [e.name, e.labels.join(', ')]));
  if (kind === 'typeorm_metadata') return snapshot.typeormMetadata;
  return (OBJECT_KINDS as readonly string[]).includes(kind) ? snapshot.objects[kind as ObjectKind] : {};
}

function columnsOf(columns: readonly CatalogColumn[], table: string): CatalogColumn[] {
  return columns.filter((c) => c.table === table);
}

function columnList(columns: readonly CatalogColumn[], table: string): string {
  return columnsOf(columns, table)
    .map((c) => `${c.column} ${c.definition}`)
    .join(', ');
}

/** Tables on both sides whose shared columns come in another order. */
function orderDifferences(expected: CatalogSnapshot, actual: CatalogSnapshot): CatalogDifference[] {
  const found: CatalogDifference[] = [];
  for (const table of Object.keys(expected.objects.table).sort()) {
    if (!(table in actual.objects.table)) continue;
    const want = columnsOf(expected.columns, table).map((c) => c.column);
    const have = columnsOf(actual.columns, table).map((c) => c.column);
    const shared = (list: string[], other: string[]) => list.filter((c) => other.includes(c)).join(', ');
    if (shared(want, have) === shared(have, want)) continue;
    found.push({
      kind: 'table',
      name: table,
      expected: `columns in the order ${want.join(', ')}`,
      actual: `columns in the order ${have.join(', ')}`,
      orderOnly: true,
    });
  }
  return found;
}

/**
 * Every object that is missing, extra or different in `actual`, ordered by kind then name. A
 * missing or extra table is one difference (its columns are not listed again one by one).
 *
 * @example
 * compareCatalogs(replayed, live).map(formatDifference)
 * // ['missing  view active_items: SELECT …', 'extra    index idx_hand_made: CREATE INDEX …']
 */
export function compareCatalogs(expected: CatalogSnapshot, actual: CatalogSnapshot): CatalogDifference[] {
  const differences: CatalogDifference[] = [];
  const onBothSides = (name: string) => {
    const table = name.slice(0, name.lastIndexOf('.'));
    return table in expected.objects.table && table in actual.objects.table;
  };
  for (const kind of CATALOG_KINDS) {
    const want = describedAs(expected, kind);
    const have = describedAs(actual, kind);
    for (const name of [...new Set([...Object.keys(want), ...Object.keys(have)])].sort()) {
      if (kind === 'column' && !onBothSides(name)) continue;
      if (want[name] === have[name]) continue;
      const withColumns = (snapshot: CatalogSnapshot, what: string | undefined) =>
        kind === 'table' && what !== undefined && !(name in want && name in have)
          ? `${what === 'table' ? '' : `${what}: `}${columnList(snapshot.columns, name)}`
          : what;
      differences.push({
        kind,
        name,
        expected: withColumns(expected, want[name]),
        actual: withColumns(actual, have[name]),
      });
    }
    if (kind === 'column') differences.push(...orderDifferences(expected, actual));
  }
  return differences;
}

/** One line per difference: `missing`, `extra` or `differs`, the kind, the name and the text. */
export function formatDifference(d: CatalogDifference): string {
  if (d.actual === undefined) return `missing  ${d.kind} ${d.name}: ${oneLine(d.expected ?? '')}`;
  if (d.expected === undefined) return `extra    ${d.kind} ${d.name}: ${oneLine(d.actual)}`;
  if (d.orderOnly) return `differs  ${d.kind} ${d.name}: same columns in another order: ${oneLine(d.actual)}`;
  if (d.kind === 'enum') return `differs  enum ${d.name}: expected labels ${d.expected}; found ${d.actual}`;
  return `differs  ${d.kind} ${d.name}: expected ${oneLine(d.expected)}; found ${oneLine(d.actual)}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}
