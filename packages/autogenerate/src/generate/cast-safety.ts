/**
 * Whether changing a column from one PostgreSQL type to another keeps every value. Pure and
 * table-driven: `safe` casts always succeed without loss (widenings, anything to text); `fallible`
 * ones keep data when they succeed but can fail on some values (text → integer), so a person
 * writes or confirms the USING expression; `narrowing` ones can lose or reject data and need an
 * explicit acknowledgement.
 */

export type CastSafety = 'safe' | 'fallible' | 'narrowing';

export interface ColumnType {
  /** TypeORM's normalised type name: `character varying`, `integer`, `numeric`, … */
  type: string;
  length?: string;
  precision?: number | null;
  scale?: number | null;
  isArray?: boolean;
}

const INTEGER_WIDTH: Record<string, number> = { smallint: 2, integer: 4, bigint: 8 };
const TEXTUAL = new Set(['character varying', 'varchar', 'text', 'character', 'char', 'citext']);
/** citext is text compared without case: any text converts to it and back unchanged. */
const UNBOUNDED_TEXT = new Set(['text', 'citext']);

/** Casts that always succeed without loss, beyond the widening rules below. */
const SAFE_PAIRS = new Set([
  'real>double precision',
  'smallint>numeric',
  'integer>numeric',
  'bigint>numeric',
  'timestamp without time zone>timestamp with time zone',
  'date>timestamp without time zone',
  'date>timestamp with time zone',
  'json>jsonb',
  'jsonb>json',
  // Keeps every value or fails whole: an invalid JSON string stops the migration, nothing is lost.
  'text>jsonb',
  'character varying>jsonb',
  'text>json',
  'character varying>json',
]);

/** Casts that can change values silently: the time of day, the zone, or the fraction is lost. */
const NARROWING_PAIRS = new Set([
  'timestamp with time zone>date',
  'timestamp without time zone>date',
  // The instant is kept only as the session's local time: the zone is gone.
  'timestamp with time zone>timestamp without time zone',
  'double precision>integer',
  'double precision>bigint',
  'double precision>smallint',
  'real>integer',
  'real>bigint',
  'real>smallint',
]);

/** Types whose precision is a number of fractional-second digits (default 6). */
const FRACTIONAL_SECONDS = new Set([
  'timestamp without time zone',
  'timestamp with time zone',
  'time without time zone',
  'time with time zone',
  'interval',
]);

/** The declared length; none when absent or not a positive number. */
function lengthOf(column: ColumnType): number | undefined {
  const n = Number(column.length);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function classifyScalar(from: ColumnType, to: ColumnType): CastSafety {
  if (from.type === to.type) {
    if (TEXTUAL.has(from.type)) {
      // Within one type, no length means unbounded.
      const unbounded = Number.POSITIVE_INFINITY;
      return (lengthOf(to) ?? unbounded) >= (lengthOf(from) ?? unbounded) ? 'safe' : 'narrowing';
    }
    if (from.type === 'numeric') {
      const [p1, s1] = [from.precision ?? null, from.scale ?? 0];
      const [p2, s2] = [to.precision ?? null, to.scale ?? 0];
      // Plain `numeric` (no precision, no scale) keeps any value: it is the widest numeric.
      if (p2 === null && to.scale == null) return 'safe';
      if (p2 === null) return s2 >= s1 ? 'safe' : 'narrowing';
      if (p1 === null) return 'narrowing';
      if (s2 < s1) return 'narrowing'; // values would be rounded
      return p2 - s2 >= p1 - s1 ? 'safe' : 'narrowing';
    }
    // timestamp(6) → timestamp(3) rounds the fractional seconds: no precision means 6.
    if (FRACTIONAL_SECONDS.has(from.type))
      return (to.precision ?? 6) >= (from.precision ?? 6) ? 'safe' : 'narrowing';
    return 'safe';
  }
  if (from.type in INTEGER_WIDTH && to.type in INTEGER_WIDTH) {
    return INTEGER_WIDTH[to.type]! >= INTEGER_WIDTH[from.type]! ? 'safe' : 'narrowing';
  }
  if (UNBOUNDED_TEXT.has(to.type) || (to.type === 'character varying' && lengthOf(to) === undefined))
    return 'safe';
  if (TEXTUAL.has(from.type) && TEXTUAL.has(to.type)) {
    // Unbounded targets were handled above; a target here without a length is `character`, i.e. char(1).
    return (lengthOf(to) ?? 1) >= (lengthOf(from) ?? Number.POSITIVE_INFINITY) ? 'safe' : 'narrowing';
  }
  // A uuid's text form is 36 characters; a shorter column rejects every value, and loses none.
  if (from.type === 'uuid' && TEXTUAL.has(to.type)) return (lengthOf(to) ?? 0) >= 36 ? 'safe' : 'fallible';
  if (SAFE_PAIRS.has(`${from.type}>${to.type}`)) return 'safe';
  if (from.type === 'numeric' && to.type in INTEGER_WIDTH) return 'narrowing';
  if (from.type === 'double precision' && to.type === 'real') return 'narrowing';
  if (NARROWING_PAIRS.has(`${from.type}>${to.type}`)) return 'narrowing';
  return 'fallible';
}

export function classifyCast(from: ColumnType, to: ColumnType): CastSafety {
  if (Boolean(from.isArray) !== Boolean(to.isArray)) return 'fallible';
  return classifyScalar(from, to);
}
