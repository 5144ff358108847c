/**
 * Online rewrites: TypeORM writes DDL as if every table were empty, and on a table with rows that
 * DDL blocks writes for as long as it scans or builds. For tables that exist before the revision
 * (those it creates are empty, so they are left alone), this turns the statements into ordered
 * steps that keep the table writable:
 *
 * - `CREATE [UNIQUE] INDEX` → `CREATE … INDEX CONCURRENTLY`, alone in a step outside a transaction,
 *   preceded by `DROP INDEX CONCURRENTLY IF EXISTS` so a rerun of the step after a failed or killed
 *   build first removes the INVALID index it left;
 * - `ADD CONSTRAINT … FOREIGN KEY | CHECK` → added `NOT VALID` (a catalog change), then
 *   `VALIDATE CONSTRAINT` in the next step, which scans without blocking writes;
 * - `ALTER COLUMN … SET NOT NULL` → a `CHECK (col IS NOT NULL) NOT VALID`, validated in its own step,
 *   then SET NOT NULL (PostgreSQL skips the scan when a valid check proves it) and the check dropped.
 *
 * Tables the app opts out (`migrations.online.except`) keep TypeORM's statements, and the header
 * names them. Every other statement runs as before, consecutive ones grouped in one transactional step. Each
 * step can run again from its first statement: a transactional step commits whole or not at all,
 * and the only non-transactional step starts with its own recovery. Pure: statements in, steps out.
 */
import {
  describeStatement,
  quoteIdent,
  quoteTable,
  type RevisionSteps,
  type StatementFacts,
} from '@app/migrator';
import type { RenderedStatement } from '../authoring/render-revision';

export interface RevisionStepPlan {
  /** False for a step PostgreSQL only runs outside a transaction block (CONCURRENTLY). */
  readonly transactional: boolean;
  readonly statements: readonly RenderedStatement[];
}

export interface OnlineSteps {
  readonly up: readonly RevisionStepPlan[];
  readonly down: readonly RevisionStepPlan[];
  /** True when a rule changed something: the revision then runs step by step. */
  readonly rewritten: boolean;
  /** For the revision header: what was rewritten, one line per statement. */
  readonly notes: readonly string[];
  /** Opted-out tables (`migrations.online.except`) with a statement a rule would have rewritten. */
  readonly optedOut: readonly string[];
}

/** What one rule makes of a statement: its steps, or undefined when it does not apply. */
type Rule = (facts: StatementFacts, table: string) => { steps: RevisionStepPlan[]; note: string } | undefined;

const PG_IDENTIFIER_LIMIT = 63;

/** The temporary CHECK of the SET NOT NULL rewrite; unique within a table, as its column is. */
export function notNullCheckName(column: string): string {
  return `${column}_not_null_dz`.slice(-PG_IDENTIFIER_LIMIT);
}

const tx = (...statements: RenderedStatement[]): RevisionStepPlan => ({ transactional: true, statements });

/** The schema an index lives in: its table's. */
function indexPath(table: string, index: string): string {
  const dot = table.indexOf('.');
  return `${quoteIdent(dot < 0 ? 'public' : table.slice(0, dot))}.${quoteIdent(index)}`;
}

const concurrentIndex: Rule = (facts, table) => {
  if (facts.kind !== 'IndexStmt' || facts.concurrent) return undefined;
  const name = facts.indexes[0];
  const match = /^CREATE\s+(UNIQUE\s+)?INDEX\s+/i.exec(facts.sql);
  if (!name || !match) return undefined;
  const concurrent = `CREATE ${match[1] ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${facts.sql.slice(match[0].length).trim()}`;
  return {
    steps: [
      {
        transactional: false,
        statements: [
          {
            sql: `DROP INDEX CONCURRENTLY IF EXISTS ${indexPath(table, name)}`,
            note: `build ${name} without blocking writes to ${table}; this drops what a failed or killed build left`,
          },
          { sql: concurrent },
        ],
      },
    ],
    note: `${name} on ${table} is built CONCURRENTLY`,
  };
};

const notValidConstraint: Rule = (facts, table) => {
  const action = facts.actions[0];
  if (facts.kind !== 'AlterTableStmt' || facts.actions.length !== 1 || !action) return undefined;
  if (action.subtype !== 'AT_AddConstraint' || action.notValid || !action.constraintName) return undefined;
  if (action.constraintType !== 'CONSTR_FOREIGN' && action.constraintType !== 'CONSTR_CHECK')
    return undefined;
  const kind = action.constraintType === 'CONSTR_FOREIGN' ? 'foreign key' : 'check';
  return {
    steps: [
      tx({
        sql: `${facts.sql.replace(/;\s*$/, '')} NOT VALID`,
        note: `add the ${kind} without scanning ${table}; the next step validates it while writes go on`,
      }),
      tx({
        sql: `ALTER TABLE ${quoteTable(table)} VALIDATE CONSTRAINT ${quoteIdent(action.constraintName)}`,
      }),
    ],
    note: `${kind} ${action.constraintName} on ${table} is added NOT VALID, then validated`,
  };
};

const setNotNullThroughCheck: Rule = (facts, table) => {
  const action = facts.actions[0];
  if (facts.kind !== 'AlterTableStmt' || facts.actions.length !== 1 || !action) return undefined;
  if (action.subtype !== 'AT_SetNotNull' || !action.column) return undefined;
  const target = quoteTable(table);
  const column = quoteIdent(action.column);
  const check = quoteIdent(notNullCheckName(action.column));
  return {
    steps: [
      tx({
        sql: `ALTER TABLE ${target} ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID`,
        note: `SET NOT NULL on ${table}.${action.column} without a scan under a write-blocking lock: prove it with a validated CHECK first`,
      }),
      tx({ sql: `ALTER TABLE ${target} VALIDATE CONSTRAINT ${check}` }),
      tx({ sql: facts.sql.replace(/;\s*$/, '') }, { sql: `ALTER TABLE ${target} DROP CONSTRAINT ${check}` }),
    ],
    note: `${table}.${action.column} is set NOT NULL through a validated CHECK`,
  };
};

const RULES: readonly Rule[] = [concurrentIndex, notValidConstraint, setNotNullThroughCheck];

/** Tables an earlier CREATE TABLE in the same list made: empty, so nothing to rewrite. */
function createdBy(statements: readonly RenderedStatement[]): Set<string> {
  return new Set(
    statements.map((s) => describeStatement(s.sql)).flatMap((f) => (f.kind === 'CreateStmt' ? f.tables : [])),
  );
}

function rewriteList(
  statements: readonly RenderedStatement[],
  existing: ReadonlySet<string>,
  notes: string[],
  optedOut: ReadonlySet<string>,
  skipped: Set<string>,
): RevisionStepPlan[] {
  const steps: RevisionStepPlan[] = [];
  const created = createdBy(statements);
  let pending: RenderedStatement[] = [];
  const flush = () => {
    if (pending.length > 0) steps.push(tx(...pending));
    pending = [];
  };
  for (const statement of statements) {
    // A statement a person must finish is left exactly as generated.
    const facts = statement.handFill ? undefined : describeStatement(statement.sql);
    const table = facts?.tables[0];
    const applies = facts && table && existing.has(table) && !created.has(table);
    const rule = applies ? RULES.map((r) => r(facts, table)).find(Boolean) : undefined;
    // An opted-out table keeps TypeORM's statement, in a transactional step; the header says what it skips.
    if (rule && optedOut.has(table!)) skipped.add(table!);
    const rewritten = rule && !optedOut.has(table!) ? rule : undefined;
    if (!rewritten) {
      if (facts?.concurrent) {
        flush();
        steps.push({ transactional: false, statements: [statement] });
      } else pending.push(statement);
      continue;
    }
    flush();
    const [first, ...rest] = rewritten.steps;
    // A note the generator put on the original statement stays on the first one of its rewrite.
    const firstStatements = first!.statements.map((s, i) =>
      i === 0 && statement.note ? { ...s, note: `${statement.note}; ${s.note ?? ''}`.replace(/; $/, '') } : s,
    );
    steps.push({ ...first!, statements: firstStatements }, ...rest);
    notes.push(rewritten.note);
  }
  flush();
  return steps;
}

/**
 * Splits a revision's statements into ordered online steps.
 *
 * @param existingTables tables (as tablePath spells them) that exist before the revision runs.
 * @param optedOut tables left as TypeORM writes them (`migrations.online.except`).
 * @example
 * const steps = planOnlineSteps(up, down, new Set(['invoice']));
 * // steps.up: [{ transactional: false, statements: [DROP INDEX CONCURRENTLY IF EXISTS …, CREATE INDEX CONCURRENTLY …] }]
 */
export function planOnlineSteps(
  up: readonly RenderedStatement[],
  down: readonly RenderedStatement[],
  existingTables: ReadonlySet<string>,
  optedOut: ReadonlySet<string> = new Set(),
): OnlineSteps {
  const notes: string[] = [];
  const skipped = new Set<string>();
  const upSteps = rewriteList(up, existingTables, notes, optedOut, skipped);
  // The down runs after the up: the tables the up created exist (and may have rows) by then.
  const afterUp = new Set([...existingTables, ...createdBy(up)]);
  const downNotes: string[] = [];
  const downSteps = rewriteList(down, afterUp, downNotes, optedOut, skipped);
  const rewritten =
    notes.length + downNotes.length > 0 || [...upSteps, ...downSteps].some((s) => !s.transactional);
  return {
    up: upSteps,
    down: downSteps,
    rewritten,
    notes: [...notes, ...downNotes.map((n) => `down: ${n}`)],
    optedOut: [...skipped].sort(),
  };
}

/** The statements of steps, in order: what the revision file's up() or down() sends. */
export function statementsOf(steps: readonly RevisionStepPlan[]): RenderedStatement[] {
  return steps.flatMap((s) => s.statements);
}

/** A revision's statements once made online: `steps` is undefined when nothing needed it. */
export interface OnlineRevision {
  readonly up: RenderedStatement[];
  readonly down: RenderedStatement[];
  readonly steps: RevisionSteps | undefined;
  readonly notes: readonly string[];
}

function labelled(steps: readonly RevisionStepPlan[]): RenderedStatement[] {
  return steps.flatMap((step, i) =>
    step.statements.map((statement, j) => {
      if (j > 0) return statement;
      const label = `Step ${i + 1} of ${steps.length}, ${step.transactional ? 'in one transaction' : 'outside a transaction'}`;
      return { ...statement, note: statement.note ? `${label}: ${statement.note}` : label };
    }),
  );
}

const headerOf = (steps: readonly RevisionStepPlan[]) =>
  steps.map((s) => ({ statements: s.statements.length, transaction: s.transactional }));

/**
 * A revision already planned as steps (expand/contract), labelled and with its header's layout.
 *
 * @example
 * const { up, down, steps } = steppedRevision(plan.expand.up, plan.expand.down);
 */
export function steppedRevision(
  up: readonly RevisionStepPlan[],
  down: readonly RevisionStepPlan[],
): { up: RenderedStatement[]; down: RenderedStatement[]; steps: RevisionSteps } {
  return { up: labelled(up), down: labelled(down), steps: { up: headerOf(up), down: headerOf(down) } };
}

/**
 * The up and down a generated revision file gets, with the step layout for its header when a rule
 * applied (the revision then runs with `transactional: false`, step by step).
 *
 * @example
 * const online = onlineRevision(up, down, existingTables);
 * prepareRevision({ ..., up: online.up, down: online.down, steps: online.steps, transactional: !online.steps });
 */
export function onlineRevision(
  up: readonly RenderedStatement[],
  down: readonly RenderedStatement[],
  existingTables: ReadonlySet<string>,
  optedOut: ReadonlySet<string> = new Set(),
): OnlineRevision {
  const plan = planOnlineSteps(up, down, existingTables, optedOut);
  const kept = plan.optedOut.map(
    (table) =>
      `Online: ${table} is opted out (migrations.online.except): its statements run as TypeORM writes them, inside a transaction.`,
  );
  if (!plan.rewritten) return { up: [...up], down: [...down], steps: undefined, notes: kept };
  // Filling a step by hand changes how many statements the revision sends, which the steps count.
  if ([...up, ...down].some((s) => s.handFill))
    return {
      up: [...up],
      down: [...down],
      steps: undefined,
      notes: [
        'Online: not rewritten, as it has a step to write by hand; once it is filled, split the blocking statements the lint names into their online form (migrations guide, "Big tables").',
      ],
    };
  return {
    up: labelled(plan.up),
    down: labelled(plan.down),
    steps: { up: headerOf(plan.up), down: headerOf(plan.down) },
    notes: [
      `Online: runs as ${plan.up.length} ordered steps; each finished step is recorded, so a run that stops resumes at the step it was in.`,
      ...plan.notes.map((n) => `Online: ${n}.`),
      ...kept,
    ],
  };
}
