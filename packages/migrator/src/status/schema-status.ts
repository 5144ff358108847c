/**
 * The one answer to "is the database in step with the code?". `check`, `current`, `upgrade`'s
 * pre-checks and `serve` (with or without --no-migrate) all read this, so no verb can call a
 * database fine that another refuses, and each state's advice names a command that will not fail
 * for the same reason. Pure: it sees the revision graph (or why it could not be read) and the
 * ledger rows.
 */
import { MigratorError, type MigratorErrorCode } from '../errors';
import { multipleHeadsError } from '../graph/plan';
import type { RevisionGraph } from '../graph/revision-graph';
import type { LedgerRow } from '../ledger/ledger';
import { LINEAGES, type Lineage, type RevisionInfo } from '../revision/revision';

/**
 * Where the database stands against the code, worst first: a state earlier in this list hides the
 * ones after it, because its fix has to come first.
 */
export const SCHEMA_STATES = [
  'manifest-mismatch',
  'ahead',
  'checksum-changed',
  'multiple-heads',
  'pending',
  'in-step',
] as const;
export type SchemaState = (typeof SCHEMA_STATES)[number];

const CODE_OF: Record<Exclude<SchemaState, 'in-step'>, MigratorErrorCode> = {
  'manifest-mismatch': 'MANIFEST_MISMATCH',
  ahead: 'DATABASE_AHEAD',
  'checksum-changed': 'CHECKSUM_MISMATCH',
  'multiple-heads': 'MULTIPLE_HEADS',
  pending: 'NOT_AT_HEADS',
};

export interface ChecksumMismatch {
  readonly id: string;
  readonly file: string;
  readonly applied: string;
  readonly current: string;
}

export interface SchemaStatus {
  readonly state: SchemaState;
  /** The error code every verb that refuses this state uses; undefined when in step. */
  readonly code: MigratorErrorCode | undefined;
  /** One line: what is wrong, and the command that fixes it (or that all is well). */
  readonly message: string;
  /** Applied heads per lineage, from the ledger (empty at base). */
  readonly current: Readonly<Record<Lineage, readonly string[]>>;
  readonly pending: readonly RevisionInfo[];
  /** Ledger rows for revisions no migrations folder contains. */
  readonly unknown: readonly LedgerRow[];
  /** Applied revisions whose file changed since, accepted ones included. */
  readonly checksumMismatches: readonly ChecksumMismatch[];
  readonly multipleHeads: ReadonlyArray<{ readonly lineage: Lineage; readonly heads: readonly string[] }>;
}

export interface AssessOptions {
  /** Changed checksums the caller accepts: they are listed but do not make the state checksum-changed. */
  acceptChecksums?: readonly string[] | 'all';
}

/**
 * Compares the code's revision graph with the ledger.
 *
 * @example
 * assessSchema(graph, await readLedger(db)).state // 'pending'
 */
export function assessSchema(
  graph: RevisionGraph | MigratorError,
  ledger: readonly LedgerRow[],
  options: AssessOptions = {},
): SchemaStatus {
  const current = appliedHeads(ledger);
  if (graph instanceof MigratorError) {
    // The folder could not be read (MANIFEST_MISMATCH or MANIFEST_INVALID): its own error is the advice.
    const facts = { current, pending: [], unknown: [], checksumMismatches: [], multipleHeads: [] };
    return Object.freeze({ state: 'manifest-mismatch', code: graph.code, message: graph.message, ...facts });
  }
  const applied = new Set(ledger.map((r) => r.id));
  const facts = {
    current,
    pending: graph.all().filter((r) => !applied.has(r.id)),
    unknown: ledger.filter((row) => !graph.get(row.id)),
    checksumMismatches: ledger.flatMap((row) => {
      const info = graph.get(row.id);
      return info && info.checksum !== row.checksum.trim()
        ? [{ id: row.id, file: info.file, applied: row.checksum.trim(), current: info.checksum }]
        : [];
    }),
    multipleHeads: LINEAGES.map((lineage) => ({ lineage, heads: graph.heads(lineage) })).filter(
      (h) => h.heads.length > 1,
    ),
  };
  const accept = options.acceptChecksums ?? [];
  const refused = facts.checksumMismatches.filter((m) => accept !== 'all' && !accept.includes(m.id));

  if (facts.unknown.length > 0) {
    const ids = facts.unknown.map((r) => `${r.id} (${r.lineage})`).join(', ');
    return freeze(
      'ahead',
      `The database has revisions this code does not know: ${ids}. It is ahead of the code (was a deploy rolled back?): deploy the code that contains them, or downgrade with that code first.`,
      facts,
    );
  }
  if (refused.length > 0) {
    const many = refused.length > 1;
    return freeze(
      'checksum-changed',
      `Applied revision${many ? 's' : ''} changed since ${many ? 'they were' : 'it was'} applied: ${refused.map((m) => `${m.id} (${m.file})`).join(', ')}. Restore the original file, or accept the change with \`dazzle db upgrade ${refused.map((m) => `--accept-checksum ${m.id}`).join(' ')}\`.`,
      facts,
    );
  }
  const [branched] = facts.multipleHeads;
  if (branched)
    return freeze('multiple-heads', multipleHeadsError(branched.lineage, branched.heads).message, facts);
  if (facts.pending.length > 0) {
    return freeze(
      'pending',
      `The database is not at the code's heads (pending: ${facts.pending.map((r) => r.id).join(', ')}): run \`dazzle db upgrade\`.`,
      facts,
    );
  }
  return freeze('in-step', "The database is at the code's heads.", facts);
}

/** The refusal for a state, as every verb raises it; undefined when the database is in step. */
export function schemaStatusError(status: SchemaStatus): MigratorError | undefined {
  if (status.code === undefined) return undefined;
  return new MigratorError(status.code, status.message, {
    state: status.state,
    pending: status.pending.map((r) => r.id),
    unknown: status.unknown.map((r) => r.id),
    revisions: status.checksumMismatches.map((m) => m.id),
  });
}

/** For `check` and `serve --no-migrate`: anything but in step is refused. */
export function assertInStep(status: SchemaStatus): void {
  const error = schemaStatusError(status);
  if (error) throw error;
}

/**
 * For verbs that change the schema (upgrade, downgrade, their --sql): refuses the states no run can
 * fix. Pending is what they are for; two heads are refused by the plan only when the target needs
 * the single head of the branched lineage.
 */
export function assertMigratable(status: SchemaStatus): void {
  if (status.state === 'multiple-heads' || status.state === 'pending') return;
  assertInStep(status);
}

function appliedHeads(ledger: readonly LedgerRow[]): Record<Lineage, string[]> {
  const heads = LINEAGES.map((lineage) => {
    const applied = ledger.filter((r) => r.lineage === lineage);
    const parents = new Set(applied.flatMap((r) => r.parents));
    return [
      lineage,
      applied
        .filter((r) => !parents.has(r.id))
        .map((r) => r.id)
        .sort(),
    ];
  });
  return Object.fromEntries(heads) as Record<Lineage, string[]>;
}

function freeze(
  state: SchemaState,
  message: string,
  facts: Omit<SchemaStatus, 'state' | 'code' | 'message'>,
): SchemaStatus {
  const code = state === 'in-step' ? undefined : CODE_OF[state];
  return Object.freeze({ state, code, message, ...facts });
}
