/** The Migrator's public option and result types, kept apart so the class reads in one sitting. */
import type { EntityClass } from '@app/metadata-builder';
import type { ConnectRetry } from './database/connect';
import type { RevisionGraph } from './graph/revision-graph';
import type { LedgerRow } from './ledger/ledger';
import type { LockHolder } from './lock/migration-lock';
import type { RevisionInfo } from './revision/revision';
import type { MigrationSource } from './revision/revision-set';
import type { DroppedData } from './run/downgrade-loss';
import type { Direction, RevisionOutcome } from './run/execute-revision';
import type { LockDiscipline, LockRetry } from './run/lock-discipline';
import type { SchemaStatus } from './status/schema-status';

export type MigratorEvent =
  | { type: 'lock-wait'; holder: LockHolder | undefined }
  | { type: 'lock-acquired'; waitedMs: number }
  | { type: 'revision-start'; revision: RevisionInfo; direction: Direction }
  | { type: 'revision-done'; outcome: RevisionOutcome }
  | { type: 'checksum-accepted'; revision: string }
  | { type: 'connect-retry'; retry: ConnectRetry }
  | { type: 'lock-retry'; retry: LockRetry };

export interface MigratorOptions {
  databaseUrl: string;
  sources: readonly MigrationSource[];
  /**
   * The graph of these sources when the caller already read and verified it in this command
   * (autogeneration replays it into shadows): the folders are then not read again.
   */
  graph?: RevisionGraph;
  /** How long to wait for another runner's lock. Default 60 s. */
  lockTimeoutMs?: number;
  /** Retry a server that is not up yet for this long. Default 0. */
  connectRetryMs?: number;
  onEvent?: (event: MigratorEvent) => void;
  /** lock_timeout, retries and statement_timeout of each transactional revision (see lockDisciplineOf). */
  revisionLocks?: Partial<LockDiscipline>;
}

export interface UpgradeOptions {
  /** `heads` (default), `<lineage>@head`, `+N`, `<lineage>@+N`, or a revision id. */
  target?: string;
  /**
   * On a database with no tables and an empty ledger, create every table from these entities and
   * stamp the heads in one transaction, instead of replaying every revision.
   */
  createAllFrom?: readonly EntityClass[];
  /** Applied revisions whose changed files are accepted (their ledger checksum is updated). */
  acceptChecksums?: readonly string[] | 'all';
}

export interface RunResult {
  readonly revisions: readonly RevisionOutcome[];
  /** How pending revisions were brought in: run one by one, or created from entities and stamped. */
  readonly method: 'replay' | 'create-all';
  /** Why create-all was asked for but the plan was replayed (see run/create-all-eligibility.ts). */
  readonly createAllDeclined?: string;
  /** True when the database was already where the target asked. */
  readonly noop: boolean;
  readonly durationMs: number;
  /** For a downgrade: each table and column its downs dropped, with what they held before. */
  readonly destroyed?: readonly DroppedData[];
}

export interface HistoryEntry {
  readonly revision: RevisionInfo;
  readonly applied: LedgerRow | undefined;
  readonly isHead: boolean;
}

/** What `current()` returns: the same status every verb decides by. */
export type CurrentState = SchemaStatus;
