/**
 * The down proof: on the shadow, with the revision's up applied and a representative row in each
 * table it touches, run the down, check that the catalogs are exactly what they were before the
 * up, then run the up again and check it lands where it did. All of it inside a transaction that
 * is rolled back, so the shadow is left as the up made it. A down that fails, or that leaves a
 * different schema, is written as a hand-fill step with the reason: never a down that fails later.
 * A data guard that stops the down while rows hold values it would lose is the guard working;
 * the down must then succeed once those rows are gone.
 */
import {
  type CatalogSnapshot,
  compareCatalogs,
  DATA_GUARD_SQLSTATE,
  describeStatement,
  formatDifference,
} from '@app/migrator';
import type { QueryRunner } from 'typeorm';
import type { RenderedStatement } from '../authoring/render-revision';
import { readShadowCatalog } from '../shadow/raw-connection';
import { codeOf } from './driver-error-code';
import { guardEnumSwaps } from './enum-swap';
import { deleteSeededRows, seedRepresentativeRows } from './representative-rows';

export interface ProvedBothWays {
  up: RenderedStatement[];
  down: RenderedStatement[];
  /** For the revision header: what the proof found. */
  notes: string[];
  /** Why the down could not be proven; undefined when it was. */
  unproven: string | undefined;
  /** The catalog with the up applied, as the proof leaves the shadow. */
  after: CatalogSnapshot;
}

/**
 * Runs statements in a savepoint (inside a transaction); returns the error and rolls back on failure.
 * In a transaction the savepoint and the statements go in one round trip, as the convergence proof
 * sends the up: PostgreSQL stops at the first failing statement and reports it as it would alone.
 */
async function attempt(
  runner: QueryRunner,
  statements: readonly RenderedStatement[],
  inTransaction: boolean,
): Promise<unknown> {
  try {
    if (inTransaction)
      await runner.query(
        ['SAVEPOINT dazzle_proof', ...statements.map((s) => s.sql), 'RELEASE SAVEPOINT dazzle_proof'].join(
          ';\n',
        ),
      );
    else for (const s of statements) await runner.query(s.sql);
    return undefined;
  } catch (error) {
    if (inTransaction) await runner.query('ROLLBACK TO SAVEPOINT dazzle_proof');
    return error;
  }
}

/** Tables the statements name that exist in `snapshot`: where representative rows go. */
export function touched(statements: readonly RenderedStatement[], snapshot: CatalogSnapshot): string[] {
  const existing = new Set(snapshot.columns.map((c) => c.table));
  const tables = new Set(statements.flatMap((s) => describeStatement(s.sql).tables));
  return [...tables].filter((t) => existing.has(t));
}

/** The real differences (not column order) between two catalogs, or undefined; order-only ones become notes. */
export function mismatch(
  expected: CatalogSnapshot,
  actual: CatalogSnapshot,
  notes: string[],
): string | undefined {
  const found = compareCatalogs(expected, actual);
  const real = found.filter((d) => !d.orderOnly);
  if (real.length > 0) return real.map(formatDifference).join('; ');
  notes.push(
    ...found.map((d) => `Down: table ${d.name} has its ${d.actual}: PostgreSQL adds a column back last.`),
  );
  return undefined;
}

async function prove(
  runner: QueryRunner,
  before: CatalogSnapshot,
  after: CatalogSnapshot,
  up: readonly RenderedStatement[],
  down: readonly RenderedStatement[],
  inTransaction: boolean,
  notes: string[],
): Promise<string | undefined> {
  const tables = touched([...up, ...down], after);
  const seeded = inTransaction
    ? await seedRepresentativeRows(runner, tables, after, before)
    : { rows: [], skipped: tables.map((t) => `${t} (runs outside a transaction)`) };
  notes.push(
    `Down proven on the shadow${seeded.rows.length > 0 ? ` with a row in ${[...new Set(seeded.rows.map((r) => r.table))].join(', ')}` : ''}: it restores the schema before the up.`,
  );
  if (seeded.skipped.length > 0) notes.push(`Proven without rows in: ${seeded.skipped.join('; ')}.`);
  let failure = await attempt(runner, down, inTransaction);
  if (failure && codeOf(failure) === DATA_GUARD_SQLSTATE && seeded.rows.length > 0) {
    notes.push(`Down stops while rows would lose data (${(failure as Error).message}).`);
    await deleteSeededRows(runner, seeded.rows);
    failure = await attempt(runner, down, inTransaction);
  }
  if (failure) return `it failed: ${(failure as Error).message}`;
  const afterDown = await readShadowCatalog(runner);
  const downDiff = mismatch(before, afterDown, notes);
  if (downDiff) return `after it, ${downDiff}`;
  const again = await attempt(runner, up, inTransaction);
  if (again) return `the up failed after it: ${(again as Error).message}`;
  const upDiff = mismatch(after, await readShadowCatalog(runner), []);
  return upDiff ? `the up run after it does not give the same schema: ${upDiff}` : undefined;
}

/**
 * Completes the enum swaps of `up` and `down`, then proves the down on the shadow, where `up`
 * has just been applied to a schema that was `before`.
 *
 * @example
 * const proof = await proveBothWays(runner, before, { up, down }, transactional);
 */
export async function proveBothWays(
  runner: QueryRunner,
  before: CatalogSnapshot,
  generated: { up: readonly RenderedStatement[]; down: readonly RenderedStatement[] },
  transactional: boolean,
): Promise<ProvedBothWays> {
  const after = await readShadowCatalog(runner);
  const up = guardEnumSwaps(generated.up, before, after);
  const down = guardEnumSwaps(generated.down, after, before);
  const notes: string[] = [];
  const inTransaction = transactional;
  if (inTransaction) await runner.startTransaction();
  let unproven: string | undefined;
  try {
    unproven = await prove(runner, before, after, up, down, inTransaction, notes);
  } finally {
    if (inTransaction) await runner.rollbackTransaction();
  }
  if (!unproven) return { up, down, notes, unproven, after };
  const handFill = `this down was tried on the shadow and ${unproven.replace(/\s+/g, ' ').slice(0, 400)}. Write a down that restores the schema before the up.`;
  const [first, ...rest] = down;
  return {
    up,
    down: first ? [{ ...first, handFill }, ...rest] : [{ sql: 'SELECT 1', handFill }],
    notes: ['Down NOT proven: see the hand-fill step in down().'],
    unproven,
    after,
  };
}
