/**
 * Compares two catalog snapshots object by object, in both directions. Pure, so the rules are
 * unit-tested without a database; the reading is in catalog-snapshot.ts.
 */
import { CATALOG_KINDS, type CatalogKind, type CatalogSnapshot } from './catalog-snapshot';

export interface CatalogDifference {
  kind: CatalogKind;
  /** The object's name, schema-qualified outside `public`. */
  name: string;
  /** Its description in the expected database; undefined when only the actual one has it. */
  expected?: string;
  /** Its description in the actual database; undefined when it is missing there. */
  actual?: string;
}

/**
 * Every object that is missing, extra or different in `actual`, ordered by kind then name.
 *
 * @example
 * compareCatalogs(replayed, live).map(formatDifference)
 * // ['missing  view active_items: SELECT …', 'extra    index idx_hand_made: CREATE INDEX …']
 */
export function compareCatalogs(expected: CatalogSnapshot, actual: CatalogSnapshot): CatalogDifference[] {
  const differences: CatalogDifference[] = [];
  for (const kind of CATALOG_KINDS) {
    const want = expected[kind] ?? {};
    const have = actual[kind] ?? {};
    for (const name of [...new Set([...Object.keys(want), ...Object.keys(have)])].sort()) {
      if (want[name] === have[name]) continue;
      differences.push({ kind, name, expected: want[name], actual: have[name] });
    }
  }
  return differences;
}

/** One line per difference: `missing`, `extra` or `differs`, the kind, the name and the text. */
export function formatDifference(d: CatalogDifference): string {
  if (d.actual === undefined) return `missing  ${d.kind} ${d.name}: ${oneLine(d.expected!)}`;
  if (d.expected === undefined) return `extra    ${d.kind} ${d.name}: ${oneLine(d.actual)}`;
  return `differs  ${d.kind} ${d.name}: ${describeChange(d.expected!, d.actual)}`;
}

/**
 * For lists (a table's columns, an enum's labels): what only one side has, and where the order
 * differs; for anything else, both texts.
 */
function describeChange(expected: string, actual: string): string {
  const want = expected.split(', ');
  const have = actual.split(', ');
  if (want.length === 1 && have.length === 1)
    return `expected ${oneLine(expected)}; found ${oneLine(actual)}`;
  const missing = want.filter((item) => !have.includes(item));
  const extra = have.filter((item) => !want.includes(item));
  const parts = [
    ...(missing.length > 0 ? [`expected ${oneLine(missing.join(', '))}`] : []),
    ...(extra.length > 0 ? [`found ${oneLine(extra.join(', '))}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : `same items in another order: ${oneLine(actual)}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}
