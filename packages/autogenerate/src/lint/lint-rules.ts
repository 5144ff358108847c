/**
 * PostgreSQL's locking and data rules as a table: each rule recognises a statement shape from
 * the parser's facts, says why it is risky and what the safer way is. Adding a rule is adding a row.
 */
import type { StatementFacts } from '@app/migrator';

export type Severity = 'error' | 'warning' | 'info';

export interface LintContext {
  /** Tables created earlier in the same revision: empty, so locks and scans on them cost nothing. */
  createdTables: ReadonlySet<string>;
}

export interface LintRule {
  id: string;
  severity: Severity;
  matches(facts: StatementFacts, context: LintContext): boolean;
  why: string;
  saferWay: string;
}

const onExistingTable = (facts: StatementFacts, context: LintContext) =>
  !facts.tables.some((t) => context.createdTables.has(t));
const hasAction = (facts: StatementFacts, test: (a: StatementFacts['actions'][number]) => boolean) =>
  facts.actions.some(test);

export const LINT_RULES: readonly LintRule[] = [
  {
    id: 'drop-table',
    severity: 'error',
    matches: (f) => f.kind === 'DropStmt' && f.objectType === 'TABLE',
    why: 'drops the table and every row in it; the running version of the app may still read it',
    saferWay: 'stop using the table in one deploy, drop it in a later one, after a backup',
  },
  {
    id: 'drop-column',
    severity: 'error',
    matches: (f) => f.kind === 'AlterTableStmt' && hasAction(f, (a) => a.subtype === 'AT_DropColumn'),
    why: "drops the column's data; the running version of the app may still select it",
    saferWay:
      'stop reading the column in one deploy, drop it in a later one; rename with --rename if it moved',
  },
  {
    id: 'column-type-change',
    severity: 'warning',
    matches: (f, c) =>
      f.kind === 'AlterTableStmt' &&
      onExistingTable(f, c) &&
      hasAction(f, (a) => a.subtype === 'AT_AlterColumnType'),
    why: 'most type changes rewrite the whole table under an ACCESS EXCLUSIVE lock (varchar widening and varchar→text do not)',
    saferWay: 'add a new column, backfill it in batches, switch reads, then drop the old one',
  },
  {
    id: 'set-not-null',
    severity: 'warning',
    matches: (f, c) =>
      f.kind === 'AlterTableStmt' &&
      onExistingTable(f, c) &&
      hasAction(f, (a) => a.subtype === 'AT_SetNotNull'),
    why: 'scans the whole table under an ACCESS EXCLUSIVE lock to check for NULLs',
    saferWay:
      'add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (PostgreSQL 12+ skips the scan)',
  },
  {
    id: 'create-index-blocking',
    severity: 'warning',
    matches: (f, c) => f.kind === 'IndexStmt' && !f.concurrent && onExistingTable(f, c),
    why: 'CREATE INDEX blocks every write to the table while the index builds',
    saferWay: 'CREATE INDEX CONCURRENTLY in its own revision with transactional: false',
  },
  {
    id: 'constraint-validates-rows',
    severity: 'warning',
    matches: (f, c) =>
      f.kind === 'AlterTableStmt' &&
      onExistingTable(f, c) &&
      hasAction(
        f,
        (a) =>
          a.subtype === 'AT_AddConstraint' &&
          (a.constraintType === 'CONSTR_FOREIGN' || a.constraintType === 'CONSTR_CHECK') &&
          !a.notValid,
      ),
    why: 'adding a FOREIGN KEY or CHECK checks every existing row while holding a lock that blocks writes',
    saferWay: 'add it NOT VALID, then VALIDATE CONSTRAINT in a later statement (takes a weaker lock)',
  },
  {
    id: 'volatile-default',
    severity: 'warning',
    matches: (f, c) =>
      f.kind === 'AlterTableStmt' &&
      onExistingTable(f, c) &&
      hasAction(f, (a) => a.subtype === 'AT_AddColumn' && a.defaultIsVolatile === true),
    why: 'a volatile default (random(), gen_random_uuid(), clock_timestamp()) rewrites every row of the table',
    saferWay: 'add the column without a default, backfill in batches, then set the default',
  },
  {
    id: 'required-column-without-default',
    severity: 'warning',
    matches: (f, c) =>
      f.kind === 'AlterTableStmt' &&
      onExistingTable(f, c) &&
      hasAction(f, (a) => a.subtype === 'AT_AddColumn' && a.notNull === true && a.hasDefault !== true),
    why: 'the version still running during a rolling deploy inserts rows without this column, and every such insert fails',
    saferWay:
      'add the column nullable (or with a default) in one release that writes it, backfill, then SET NOT NULL in the next',
  },
  {
    id: 'rename',
    severity: 'warning',
    matches: (f) => f.kind === 'RenameStmt' && (f.objectType === 'COLUMN' || f.objectType === 'TABLE'),
    why: 'the version still running during a rolling deploy uses the old name and starts failing',
    saferWay:
      'add the new column, write to both, backfill, switch reads, drop the old one; or deploy with downtime',
  },
];
