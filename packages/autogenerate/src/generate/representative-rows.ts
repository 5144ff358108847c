/**
 * One representative row in each table a revision touches, for the down proof: a down that works
 * on empty tables can still fail on rows (an enum value the old type lacks, a default that cannot
 * be cast, a NOT NULL column coming back). Columns with a default keep it, enum columns take the
 * value this revision added when there is one, foreign keys point at the row seeded in the
 * referenced table. A table no row can be made for is reported, not silently skipped.
 */

import type { CatalogSnapshot } from '@app/migrator';
import { quoteIdent, quoteLiteral, quoteTable } from '@app/migrator';
import type { QueryRunner } from 'typeorm';
import { rawConnection } from '../shadow/raw-connection';
import { codeOf } from './driver-error-code';

export interface SeededRow {
  table: string;
  ctid: string;
}

export interface Seeding {
  rows: SeededRow[];
  /** Tables left without a row, with PostgreSQL's reason. */
  skipped: string[];
}

type Column = CatalogSnapshot['columns'][number];

/** 55P04: an enum value used in the transaction that added it; the caller retries on its own database. */
const RETHROWN = new Set(['55P04']);

function literalFor(column: Column, snapshot: CatalogSnapshot, before: CatalogSnapshot): string | undefined {
  const type = column.type;
  if (type.endsWith('[]')) return `'{}'`;
  const labels = snapshot.enums.find((e) => e.name === type.replace(/"/g, ''))?.labels;
  if (labels) {
    const old = before.enums.find((e) => e.name === type.replace(/"/g, ''))?.labels ?? [];
    const added = labels.find((l) => !old.includes(l));
    return `${quoteLiteral(added ?? labels[0])}::${type}`;
  }
  if (/^(character|text|citext)/.test(type)) return `'a'`;
  if (/^(smallint|integer|bigint|numeric|real|double precision)/.test(type)) return '1';
  if (type === 'boolean') return 'true';
  if (type === 'uuid') return 'gen_random_uuid()';
  if (/^(date|timestamp)/.test(type)) return `'2026-01-02 03:04:05'::${type}`;
  if (/^time/.test(type)) return `'03:04:05'::${type}`;
  if (type === 'interval') return `'1 day'`;
  if (type === 'json' || type === 'jsonb') return `'{}'`;
  if (/^(tstz|ts|date)range$/.test(type)) return `'[2026-01-02,2026-01-03)'::${type}`;
  if (/^(int4|int8|num)range$/.test(type)) return `'[1,2)'::${type}`;
  return undefined;
}

async function foreignKeys(
  runner: QueryRunner,
): Promise<Array<{ table: string; target: string; key: string; value: string }>> {
  const rows: Array<{ table: string; column: string; target: string; target_column: string }> =
    await runner.query(
      `SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS "table",
              a.attname AS "column",
              CASE WHEN rn.nspname = 'public' THEN r.relname ELSE rn.nspname || '.' || r.relname END AS target,
              ra.attname AS target_column
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
       JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
       JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = k.confkey[1]
       WHERE k.contype = 'f' AND array_length(k.conkey, 1) = 1`,
    );
  return rows.map((r) => ({
    table: r.table,
    target: r.target,
    key: `${r.table}.${r.column}`,
    value: `(SELECT ${quoteIdent(r.target_column)} FROM ${quoteTable(r.target)} LIMIT 1)`,
  }));
}

/** The tables, and every table they reference (a row needs its parents' rows), parents first. */
function withParents(tables: readonly string[], fks: Array<{ table: string; target: string }>): string[] {
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const fk of fks.filter((f) => f.table === table)) visit(fk.target, path);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

/** An enum label this revision added to the column's type: the first row uses it, default or not. */
function hasAddedLabel(column: Column, snapshot: CatalogSnapshot, before: CatalogSnapshot): boolean {
  const name = column.type.replace(/"/g, '');
  const labels = snapshot.enums.find((e) => e.name === name)?.labels ?? [];
  const old = before.enums.find((e) => e.name === name)?.labels;
  return old !== undefined && labels.some((l) => !old.includes(l));
}

/**
 * The row to insert: every column without a default gets a value; with `overrideForNewLabels`,
 * so do enum columns whose type gained a label (the row then uses it).
 */
function insertFor(
  table: string,
  snapshot: CatalogSnapshot,
  before: CatalogSnapshot,
  fks: Map<string, string>,
  overrideForNewLabels = true,
) {
  const columns = snapshot.columns.filter(
    (c) =>
      c.table === table &&
      (c.default === null || (overrideForNewLabels && hasAddedLabel(c, snapshot, before))) &&
      !/ (GENERATED|IDENTITY) /.test(`${c.definition} `),
  );
  const values = columns.map(
    (c) => [c, fks.get(`${table}.${c.column}`) ?? literalFor(c, snapshot, before)] as const,
  );
  const given = values.filter(([, v]) => v !== undefined);
  if (given.length === 0)
    return `INSERT INTO ${quoteTable(table)} DEFAULT VALUES RETURNING ctid::text AS ctid`;
  return `INSERT INTO ${quoteTable(table)} (${given.map(([c]) => quoteIdent(c.column)).join(', ')}) VALUES (${given.map(([, v]) => v).join(', ')}) RETURNING ctid::text AS ctid`;
}

/**
 * The first pass in one round trip: every insert, parents first, in one savepoint. When all of them
 * succeed the rows are exactly those the table-by-table pass would insert (same statements, same
 * order, each seeing the ones before). Undefined, with nothing inserted, when one fails or a table
 * needs its second row: the table-by-table pass then runs as before.
 */
async function seedAllAtOnce(
  runner: QueryRunner,
  tables: readonly string[],
  snapshot: CatalogSnapshot,
  before: CatalogSnapshot,
  fks: Map<string, string>,
): Promise<SeededRow[] | undefined> {
  const needsDefaultsRow = snapshot.columns.some(
    (c) => tables.includes(c.table) && c.default !== null && hasAddedLabel(c, snapshot, before),
  );
  if (tables.length === 0 || needsDefaultsRow) return undefined;
  const connection = await rawConnection(runner);
  const inserts = tables.map((table) => insertFor(table, snapshot, before, fks));
  try {
    const results = (await connection.query(
      ['SAVEPOINT dazzle_seed_all', ...inserts, 'RELEASE SAVEPOINT dazzle_seed_all'].join(';\n'),
    )) as Array<{ rows: Array<{ ctid: string }> }>;
    return tables.map((table, i) => ({ table, ctid: results[i + 1]!.rows[0]!.ctid }));
  } catch {
    await runner.query('ROLLBACK TO SAVEPOINT dazzle_seed_all');
    return undefined;
  }
}

/**
 * Inserts one row per table (in as many passes as foreign keys need), each in its own savepoint.
 * Call inside a transaction that is rolled back afterwards.
 */
export async function seedRepresentativeRows(
  runner: QueryRunner,
  tables: readonly string[],
  snapshot: CatalogSnapshot,
  before: CatalogSnapshot,
): Promise<Seeding> {
  const references = await foreignKeys(runner);
  const fks = new Map(references.map((f) => [f.key, f.value]));
  let pending = withParents(tables, references);
  const atOnce = await seedAllAtOnce(runner, pending, snapshot, before, fks);
  if (atOnce) return { rows: atOnce, skipped: [] };
  const rows: SeededRow[] = [];
  const reasons = new Map<string, string>();
  for (let pass = 0; pass < 3 && pending.length > 0; pass++) {
    const failed: string[] = [];
    for (const table of pending) {
      await runner.query('SAVEPOINT dazzle_seed');
      try {
        const [row] = (await runner.query(insertFor(table, snapshot, before, fks))) as Array<{
          ctid: string;
        }>;
        await runner.query('RELEASE SAVEPOINT dazzle_seed');
        rows.push({ table, ctid: row!.ctid });
        const defaultsRow = await insertDefaultsRow(runner, table, snapshot, before, fks);
        if (defaultsRow) rows.push(defaultsRow);
      } catch (error) {
        await runner.query('ROLLBACK TO SAVEPOINT dazzle_seed');
        if (RETHROWN.has(codeOf(error) ?? '')) throw error;
        reasons.set(table, (error as Error).message);
        failed.push(table);
      }
    }
    pending = failed;
  }
  return { rows, skipped: pending.map((t) => `${t} (${reasons.get(t)})`) };
}

/**
 * When the first row overrode a default (to use an added enum value), a second row keeps every
 * default, so the down meets a row holding it. A unique column may refuse it: then one row it is.
 */
async function insertDefaultsRow(
  runner: QueryRunner,
  table: string,
  snapshot: CatalogSnapshot,
  before: CatalogSnapshot,
  fks: Map<string, string>,
): Promise<SeededRow | undefined> {
  const overridden = snapshot.columns.some(
    (c) => c.table === table && c.default !== null && hasAddedLabel(c, snapshot, before),
  );
  if (!overridden) return undefined;
  await runner.query('SAVEPOINT dazzle_seed_defaults');
  try {
    const [row] = (await runner.query(insertFor(table, snapshot, before, fks, false))) as Array<{
      ctid: string;
    }>;
    await runner.query('RELEASE SAVEPOINT dazzle_seed_defaults');
    return { table, ctid: row!.ctid };
  } catch (error) {
    await runner.query('ROLLBACK TO SAVEPOINT dazzle_seed_defaults');
    if (RETHROWN.has(codeOf(error) ?? '')) throw error;
    return undefined;
  }
}

/** Deletes the seeded rows, children first. */
export async function deleteSeededRows(runner: QueryRunner, rows: readonly SeededRow[]): Promise<void> {
  for (const row of [...rows].reverse())
    await runner.query(`DELETE FROM ${quoteTable(row.table)} WHERE ctid = $1::tid`, [row.ctid]);
}
