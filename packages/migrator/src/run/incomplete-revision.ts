/**
 * A non-transactional revision that stopped partway (a statement failed, or the runner was killed)
 * must not be run over: its first statements are applied, and a killed `CREATE INDEX CONCURRENTLY`
 * leaves an INVALID index that the next attempt trips over (or, with IF NOT EXISTS, silently keeps).
 * Every run refuses while one is recorded, naming the revision, the statement reached, the invalid
 * indexes it left and the two ways out; `dazzle db resolve` records which one the user took.
 */
import type { QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';
import type { RevisionGraph } from '../graph/revision-graph';
import { isResumable, type RevisionProgress, readRevisionProgress } from '../ledger/revision-progress';
import type { RevisionInfo } from '../revision/revision';
import { sourceOf } from '../revision/verified-source';
import { quoteIdent } from '../sql/quote';
import type { Direction } from './execute-revision';

export interface InvalidIndex {
  readonly schema: string;
  readonly name: string;
  readonly table: string;
}

/** Indexes PostgreSQL marks invalid (`pg_index.indisvalid = false`): failed or killed concurrent builds. */
export async function findInvalidIndexes(db: QueryRunner): Promise<InvalidIndex[]> {
  return db.query(
    `SELECT n.nspname AS "schema", c.relname AS "name", t.relname AS "table"
     FROM pg_index i
     JOIN pg_class c ON c.oid = i.indexrelid
     JOIN pg_class t ON t.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
     ORDER BY 1, 2`,
  );
}

/** The invalid indexes this revision's own text names: the ones it left behind. */
export function leftoversOf(
  info: RevisionInfo | undefined,
  invalid: readonly InvalidIndex[],
): InvalidIndex[] {
  if (!info) return [...invalid];
  let text: string;
  try {
    text = sourceOf(info);
  } catch {
    return [...invalid];
  }
  return invalid.filter((index) => text.includes(index.name));
}

export function qualifiedIndex(index: InvalidIndex): string {
  return `${quoteIdent(index.schema)}.${quoteIdent(index.name)}`;
}

/**
 * Refuses to run anything while a revision is recorded as stopped partway, except a stepped one
 * stopped in the direction about to run: that run resumes it at the step it was in.
 */
export async function assertNoIncompleteRevision(
  db: QueryRunner,
  graph: RevisionGraph,
  direction?: Direction,
): Promise<void> {
  const [stopped] = (await readRevisionProgress(db)).filter(
    (p) => !(isResumable(p) && p.direction === direction),
  );
  if (!stopped) return;
  const info = graph.get(stopped.id);
  throw incompleteRevisionError(stopped, info, leftoversOf(info, await findInvalidIndexes(db)));
}

/**
 * A stepped revision that stopped while going one way is resumed only by a run in that direction
 * that includes it. A run whose plan leaves it out (`upgrade <another target>`, a `downgrade` on
 * another branch) would build on a half-applied revision, and then the next plain run could no longer
 * tell what to resume; so that run is refused, naming the command that finishes it.
 */
export async function assertPlanResumesStopped(
  db: QueryRunner,
  graph: RevisionGraph,
  plan: readonly string[],
  direction: Direction,
): Promise<void> {
  const [stopped] = (await readRevisionProgress(db)).filter(
    (p) => isResumable(p) && p.direction === direction && !plan.includes(p.id),
  );
  if (!stopped) return;
  const info = graph.get(stopped.id);
  const finish =
    direction === 'up'
      ? `dazzle db upgrade ${stopped.id}`
      : `dazzle db downgrade ${info?.parents[0] ?? `${info?.lineage ?? 'app'}@base`}`;
  throw new MigratorError(
    'REVISION_INCOMPLETE',
    `Revision ${stopped.id}${info ? ` (${info.file})` : ''} ${describeStop(stopped)}, and this ${direction === 'up' ? 'upgrade' : 'downgrade'} does not include it, so it would run on top of a half-applied revision. Finish it first with \`${finish}\` (it resumes at the step it was in), then run this command again; or undo its finished steps and run \`dazzle db resolve ${stopped.id} --rolled-back\`.`,
    {
      revision: stopped.id,
      file: info?.file,
      direction,
      state: stopped.state,
      statementsDone: stopped.statementsDone,
      plan: [...plan],
    },
  );
}

function describeStop(progress: RevisionProgress): string {
  const verb = progress.direction === 'up' ? 'upgrading' : 'downgrading';
  const statement = progress.statement
    ? ` at statement ${progress.statementsDone + 1} (${progress.statement.replace(/\s+/g, ' ').slice(0, 200)})`
    : ' before its first statement';
  const how =
    progress.state === 'failed' || progress.state === 'step-failed'
      ? `failed ${verb}${statement}: ${progress.error ?? 'unknown error'}`
      : `was interrupted ${verb}${statement} (the runner ${progress.appliedBy} was killed or lost its connection)`;
  return `${how}; the ${progress.statementsDone} statement${progress.statementsDone === 1 ? '' : 's'} before it stay applied`;
}

export function incompleteRevisionError(
  progress: RevisionProgress,
  info: RevisionInfo | undefined,
  leftovers: readonly InvalidIndex[],
): MigratorError {
  const where = info ? ` (${info.file})` : '';
  const left =
    leftovers.length > 0
      ? ` It left the INVALID index${leftovers.length === 1 ? '' : 'es'} ${leftovers.map((i) => `${qualifiedIndex(i)} on "${i.table}"`).join(', ')}: drop ${leftovers.length === 1 ? 'it' : 'them'} (${leftovers.map((i) => `DROP INDEX CONCURRENTLY ${qualifiedIndex(i)};`).join(' ')}), then`
      : ' Then';
  return new MigratorError(
    'REVISION_INCOMPLETE',
    `Revision ${progress.id}${where} is not transactional and ${describeStop(progress)}.${left} either undo what it applied and run \`dazzle db resolve ${progress.id} --rolled-back\` (it runs again next time), or finish its statements by hand and run \`dazzle db resolve ${progress.id} --applied\`.`,
    {
      revision: progress.id,
      file: info?.file,
      direction: progress.direction,
      state: progress.state,
      statementsDone: progress.statementsDone,
      statement: progress.statement,
      error: progress.error,
      invalidIndexes: leftovers.map(qualifiedIndex),
    },
  );
}
