/**
 * The proof of the form that is written. The down proof (prove-down.ts) runs TypeORM's plain
 * statements; the online rewrite (online-steps.ts) then turns them into ordered steps, and those
 * steps are what `upgrade` and `downgrade` run. So, on the shadow where the up has been applied,
 * this runs the written down and then the written up step by step, as the stepped runner does
 * (a transactional step in its own transaction, the others outside any), with a representative row
 * in each table they touch: the down must restore the catalog before the up, the up run again the
 * catalog after it. The rows are removed afterwards, so the shadow ends exactly as the up left it.
 *
 * A step outside a transaction cannot run inside the kept shadow's rolled-back session: the proof
 * then asks for a database of its own (PostgreSQL's 25001, which withShadowSession answers with a
 * throwaway shadow). Inside that session every step nests in one savepoint that a failed proof
 * rolls back, so the kept shadow is never left half-way. A form that fails or differs is written
 * with a hand-fill step and the reason (so it is never kept either), never as a revision that
 * fails later.
 */
import { type CatalogSnapshot, DATA_GUARD_SQLSTATE, quoteIdent, quoteTable } from '@app/migrator';
import type { QueryRunner } from 'typeorm';
import type { RenderedStatement } from '../authoring/render-revision';
import { readShadowCatalog } from '../shadow/raw-connection';
import { codeOf } from './driver-error-code';
import type { OnlineRevision } from './online-steps';
import { mismatch, touched } from './prove-down';
import { type SeededRow, seedRepresentativeRows } from './representative-rows';

/** 25001: no transaction block allowed; 55P04: an enum value used in the transaction that added it. */
const NEEDS_OWN_DATABASE = new Set(['25001', '55P04']);

interface Step {
  readonly number: number;
  readonly transaction: boolean;
  readonly statements: readonly RenderedStatement[];
}

/** A seeded row found again by its primary key: a step that rewrites the table moves its ctid. */
interface KeyedRow {
  readonly table: string;
  readonly key: ReadonlyArray<readonly [column: string, value: string]>;
}

function cut(
  statements: readonly RenderedStatement[],
  layout: OnlineRevision['steps'],
  direction: 'up' | 'down',
) {
  let start = 0;
  return (layout?.[direction] ?? []).map((step, i): Step => {
    const slice = statements.slice(start, start + step.statements);
    start += step.statements;
    return { number: i + 1, transaction: step.transaction, statements: slice };
  });
}

/** In a transaction, or in a savepoint of the one already open (TypeORM nests them). */
async function inTransaction<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
  await runner.startTransaction();
  try {
    const result = await work();
    await runner.commitTransaction();
    return result;
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
}

async function runStep(runner: QueryRunner, step: Step): Promise<void> {
  if (!step.transaction) {
    for (const s of step.statements) await runner.query(s.sql);
    return;
  }
  await inTransaction(runner, async () => {
    for (const s of step.statements) await runner.query(s.sql);
  });
}

async function keyOf(runner: QueryRunner, row: SeededRow): Promise<KeyedRow> {
  const columns: Array<{ name: string }> = await runner.query(
    `SELECT a.attname AS name FROM pg_index i
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY a.attnum`,
    [quoteTable(row.table)],
  );
  if (columns.length === 0) return { table: row.table, key: [['ctid', row.ctid]] };
  const [values] = (await runner.query(
    `SELECT ${columns.map((c, i) => `${quoteIdent(c.name)}::text AS k${i}`).join(', ')} FROM ${quoteTable(row.table)} WHERE ctid = $1::tid`,
    [row.ctid],
  )) as Array<Record<string, string>>;
  return { table: row.table, key: columns.map((c, i) => [c.name, values![`k${i}`]!] as const) };
}

async function removeRows(runner: QueryRunner, rows: readonly KeyedRow[]): Promise<void> {
  await inTransaction(runner, async () => {
    for (const row of [...rows].reverse()) {
      const where = row.key.map(([c], i) =>
        c === 'ctid' ? `ctid = $${i + 1}::tid` : `${quoteIdent(c)}::text = $${i + 1}`,
      );
      await runner.query(
        `DELETE FROM ${quoteTable(row.table)} WHERE ${where.join(' AND ')}`,
        row.key.map(([, v]) => v),
      );
    }
  });
}

/** Runs the steps in order; a data guard that stops a step while rows hold its data is retried without them. */
async function runSteps(
  runner: QueryRunner,
  steps: readonly Step[],
  rows: { seeded: KeyedRow[] },
  notes: string[],
): Promise<string | undefined> {
  for (const step of steps) {
    try {
      await runStep(runner, step);
    } catch (error) {
      if (NEEDS_OWN_DATABASE.has(codeOf(error) ?? '')) throw error;
      if (codeOf(error) !== DATA_GUARD_SQLSTATE || rows.seeded.length === 0)
        return `step ${step.number} of ${steps.length} failed: ${(error as Error).message}`;
      notes.push(
        `Steps: step ${step.number} stops while rows would lose data (${(error as Error).message}); it runs once they are gone.`,
      );
      await removeRows(runner, rows.seeded);
      rows.seeded = [];
      try {
        await runStep(runner, step); // as the runner resumes: the stopped step again, from its start
      } catch (again) {
        if (NEEDS_OWN_DATABASE.has(codeOf(again) ?? '')) throw again;
        return `step ${step.number} of ${steps.length} failed: ${(again as Error).message}`;
      }
    }
  }
  return undefined;
}

type Failure = { direction: 'up' | 'down'; reason: string };

async function prove(
  runner: QueryRunner,
  before: CatalogSnapshot,
  after: CatalogSnapshot,
  up: readonly Step[],
  down: readonly Step[],
  notes: string[],
): Promise<Failure | undefined> {
  const tables = touched(
    [...up, ...down].flatMap((s) => s.statements),
    after,
  );
  const rows = {
    seeded: await inTransaction(runner, async () => {
      const seeding = await seedRepresentativeRows(runner, tables, after, before);
      if (seeding.skipped.length > 0)
        notes.push(`Steps proven without rows in: ${seeding.skipped.join('; ')}.`);
      const keyed: KeyedRow[] = [];
      for (const row of seeding.rows) keyed.push(await keyOf(runner, row));
      return keyed;
    }),
  };
  const withRows = [...new Set(rows.seeded.map((r) => r.table))];
  const downFailed = await runSteps(runner, down, rows, notes);
  if (downFailed) return { direction: 'down', reason: downFailed };
  const downDiff = mismatch(before, await readShadowCatalog(runner), []);
  if (downDiff) return { direction: 'down', reason: `after it, ${downDiff}` };
  const upFailed = await runSteps(runner, up, rows, notes);
  if (upFailed) return { direction: 'up', reason: `run after the down, ${upFailed}` };
  const upDiff = mismatch(after, await readShadowCatalog(runner), []);
  if (upDiff)
    return { direction: 'up', reason: `run after the down, it does not give the same schema: ${upDiff}` };
  await removeRows(runner, rows.seeded);
  notes.unshift(
    `Steps proven on the shadow as they are written, down then up, each step as \`downgrade\` and \`upgrade\` run it (${down.length} and ${up.length} steps)${withRows.length > 0 ? `, with rows in ${withRows.join(', ')}` : ''}: the down restores the schema before the up, the up gives the same schema again.`,
  );
  return undefined;
}

function withHandFill(statements: readonly RenderedStatement[], failure: Failure): RenderedStatement[] {
  const handFill = `these steps were tried on the shadow and the ${failure.direction} ${failure.reason.replace(/\s+/g, ' ').slice(0, 400)}. Write a ${failure.direction} that ${failure.direction === 'down' ? 'restores the schema before the up' : 'gives the same schema as before'}, keeping the header's steps counting its statements.`;
  const [first, ...rest] = statements;
  return first ? [{ ...first, handFill }, ...rest] : [{ sql: 'SELECT 1', handFill }];
}

/**
 * Proves a stepped revision's written up and down on the shadow, where its up has just been
 * applied to a schema that was `before`; returns it unchanged (with a note) when proven, with a
 * hand-fill step when not, and as it came when it has no steps.
 *
 * @example
 * const written = await proveSteps(runner, before, onlineRevision(up, down, existingTables));
 */
export async function proveSteps(
  runner: QueryRunner,
  before: CatalogSnapshot,
  online: OnlineRevision,
): Promise<OnlineRevision> {
  if (!online.steps) return online;
  const up = cut(online.up, online.steps, 'up');
  const down = cut(online.down, online.steps, 'down');
  const nested = runner.isTransactionActive;
  if (nested && [...up, ...down].some((s) => !s.transaction)) {
    throw Object.assign(
      new Error(
        'A step of this revision runs outside a transaction block: it is proven on a shadow of its own.',
      ),
      { code: '25001' },
    );
  }
  const after = await readShadowCatalog(runner);
  const notes: string[] = [];
  if (nested) await runner.startTransaction();
  let failure: Failure | undefined;
  let proven = false;
  try {
    failure = await prove(runner, before, after, up, down, notes);
    proven = !failure;
  } finally {
    // In the kept shadow's session: a failed proof leaves nothing of itself, a proven one its rows removed.
    if (nested) await (proven ? runner.commitTransaction() : runner.rollbackTransaction());
  }
  if (!failure) return { ...online, notes: [...online.notes, ...notes] };
  return {
    ...online,
    up: failure.direction === 'up' ? withHandFill(online.up, failure) : online.up,
    down: failure.direction === 'down' ? withHandFill(online.down, failure) : online.down,
    notes: [...online.notes, ...notes, `Steps NOT proven: see the hand-fill step in ${failure.direction}().`],
  };
}
