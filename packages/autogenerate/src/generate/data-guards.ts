/**
 * Guards written before a statement that could change stored values silently (a narrowing cast,
 * an enum losing a value): a DO block that counts the rows that would change and, if any, stops
 * the revision with SQLSTATE DZ001, naming table, column and count. The runner turns that code
 * into DATA_WOULD_BE_LOST, so a down of a widening never truncates what the up let in.
 */
import { DATA_GUARD_SQLSTATE, quoteIdent, quoteLiteral, quoteTable } from '@app/migrator';
import type { RenderedStatement } from '../authoring/render-revision';
import type { ColumnType } from './cast-safety';

const INTEGER_RANGE: Record<string, readonly [string, string]> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};
const TEXTUAL = new Set(['character varying', 'varchar', 'character', 'char', 'text']);

/** Kept out of the DO body's dollar quoting: the body is plain SQL with literals escaped. */
function guard(table: string, column: string, predicate: string, change: string): RenderedStatement {
  const col = quoteIdent(column);
  const bare = table.startsWith('public.') ? table.slice('public.'.length) : table;
  const message = quoteLiteral(
    `${bare}.${column}: % row(s) hold a value that ${change}; nothing was changed`,
  );
  const sql = [
    'DO $dazzle_guard$ DECLARE n bigint; BEGIN',
    `SELECT count(*) INTO n FROM ${quoteTable(table)} WHERE ${col} IS NOT NULL AND (${predicate});`,
    `IF n > 0 THEN RAISE EXCEPTION ${message}, n USING ERRCODE = '${DATA_GUARD_SQLSTATE}', TABLE = ${quoteLiteral(bare)}, COLUMN = ${quoteLiteral(column)}, DETAIL = n::text; END IF;`,
    'END $dazzle_guard$',
  ].join(' ');
  return { sql, note: `stops here if a row of ${bare}.${column} would be changed by what follows` };
}

/** The rows a cast would change, as a predicate on the column; undefined when none can be found. */
function castPredicate(col: string, from: ColumnType, to: ColumnType, toType: string, fromType: string) {
  const length = Number(to.length);
  if (TEXTUAL.has(to.type) && to.type !== 'text') {
    // A cast to varchar(n)/char(n) cuts longer values without an error.
    const limit = Number.isFinite(length) && length > 0 ? length : to.type.startsWith('char') ? 1 : undefined;
    return limit === undefined ? undefined : `length(${col}::text) > ${limit}`;
  }
  const range = INTEGER_RANGE[to.type];
  if (range) {
    const outside = `${col} NOT BETWEEN ${range[0]} AND ${range[1]}`;
    return from.type in INTEGER_RANGE ? outside : `(${col} <> round(${col}::numeric) OR ${outside})`;
  }
  if (to.type === 'numeric' && to.precision != null) {
    const scale = to.scale ?? 0;
    const rounded = `round(${col}::numeric, ${scale})`;
    return `(${rounded} <> ${col} OR abs(${rounded}) >= 10::numeric ^ ${to.precision - scale})`;
  }
  // Time zone dropped: every value converts, in the session's zone; no row count can show a loss.
  if (from.type === 'timestamp with time zone' && to.type === 'timestamp without time zone') return undefined;
  // Dates, time precision, real: a round trip shows what the cast would change.
  return `${col}::${toType}::${fromType} IS DISTINCT FROM ${col}`;
}

/**
 * A guard before `ALTER COLUMN … TYPE toType`, for a cast that can change values.
 *
 * @example
 * castGuard('note', 'author', { type: 'character varying', length: '100' }, { type: 'character varying', length: '50' }, 'character varying(50)', 'character varying(100)')
 */
export function castGuard(
  table: string,
  column: string,
  from: ColumnType,
  to: ColumnType,
  toType: string,
  fromType: string,
): RenderedStatement | undefined {
  if (from.isArray || to.isArray) return undefined;
  const predicate = castPredicate(quoteIdent(column), from, to, toType, fromType);
  return predicate ? guard(table, column, predicate, `${toType} cannot hold unchanged`) : undefined;
}

/** A guard before a column moves to an enum type that lacks some of the current values. */
export function enumGuard(
  table: string,
  column: string,
  labels: readonly string[],
  typeName: string,
): RenderedStatement {
  const col = quoteIdent(column);
  const predicate =
    labels.length === 0 ? 'true' : `${col}::text NOT IN (${labels.map((l) => quoteLiteral(l)).join(', ')})`;
  return guard(table, column, predicate, `the enum ${typeName} no longer has`);
}
