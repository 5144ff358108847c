/**
 * Compares the ledger with the code's revision graph: what is applied, what the database has
 * that the code does not know (database ahead of code), and which applied files changed since.
 */
import type { QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';
import type { RevisionGraph } from '../graph/revision-graph';
import { infrastructureExists, type LedgerRow, readLedger } from '../ledger/ledger';

export interface ChecksumMismatch {
  readonly id: string;
  readonly file: string;
  readonly applied: string;
  readonly current: string;
}

export interface DatabaseState {
  readonly bootstrapped: boolean;
  readonly ledger: readonly LedgerRow[];
  readonly applied: ReadonlySet<string>;
  /** Ledger rows for revisions no migrations folder contains. */
  readonly unknown: readonly LedgerRow[];
  readonly checksumMismatches: readonly ChecksumMismatch[];
}

export async function readDatabaseState(db: QueryRunner, graph: RevisionGraph): Promise<DatabaseState> {
  const bootstrapped = await infrastructureExists(db);
  const ledger = bootstrapped ? await readLedger(db) : [];
  const unknown = ledger.filter((row) => !graph.get(row.id));
  const checksumMismatches = ledger.flatMap((row) => {
    const info = graph.get(row.id);
    return info && info.checksum !== row.checksum.trim()
      ? [{ id: row.id, file: info.file, applied: row.checksum.trim(), current: info.checksum }]
      : [];
  });
  return { bootstrapped, ledger, applied: new Set(ledger.map((r) => r.id)), unknown, checksumMismatches };
}

/** Refuses to act on a database that is ahead of the code or whose applied revisions changed. */
export function assertConsistent(
  state: DatabaseState,
  acceptChecksums: readonly string[] | 'all' = [],
): void {
  if (state.unknown.length > 0) {
    const ids = state.unknown.map((r) => `${r.id} (${r.lineage})`).join(', ');
    throw new MigratorError(
      'DATABASE_AHEAD',
      `The database has revisions this code does not know: ${ids}. It is ahead of the code (was a deploy rolled back?): deploy the code that contains them, or downgrade with that code first.`,
      { revisions: state.unknown.map((r) => r.id) },
    );
  }
  const refused = state.checksumMismatches.filter(
    (m) => acceptChecksums !== 'all' && !acceptChecksums.includes(m.id),
  );
  if (refused.length > 0) {
    throw new MigratorError(
      'CHECKSUM_MISMATCH',
      `Applied revision${refused.length > 1 ? 's' : ''} changed since ${refused.length > 1 ? 'they were' : 'it was'} applied: ${refused.map((m) => `${m.id} (${m.file})`).join(', ')}. Restore the original file, or accept the change with --accept-checksum ${refused[0]!.id}.`,
      { revisions: refused.map((m) => m.id) },
    );
  }
}
