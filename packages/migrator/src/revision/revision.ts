/**
 * What a revision is. A revision file is a frozen artefact: a module exporting `revision` (its
 * header) and `up`/`down`, which receive a TypeORM QueryRunner. It imports no entity class or
 * builder, so what it does never changes after it is committed.
 */
import type { QueryRunner } from 'typeorm';

export type Lineage = 'framework' | 'app';
export const LINEAGES: readonly Lineage[] = ['framework', 'app'];

export interface RevisionHeader {
  /** Stable id: `<UTC timestamp>_<slug of the message>`. */
  id: string;
  /** Parent revisions in the same lineage; none for the first, two for a merge. */
  parents: string[];
  /** Revisions of another lineage this one needs first (an app table's FK to a framework table). */
  dependsOn?: string[];
  message: string;
  /** Run inside one transaction with its ledger row (default). False for CREATE INDEX CONCURRENTLY and kin. */
  transactional?: boolean;
}

/** Optional limits a revision's header may set for itself (written by hand, never generated). */
export interface RevisionLockOverrides {
  /** This revision's PostgreSQL `lock_timeout` in ms, over the app's `migrations.lockTimeoutMs`. */
  lockTimeoutMs?: number;
  /** How many times this revision is tried again after a lock timeout, over `migrations.lockRetries`. */
  lockRetries?: number;
  /** This revision's PostgreSQL `statement_timeout` in ms, over `migrations.statementTimeoutMs`. */
  statementTimeoutMs?: number;
}

export interface RevisionModule {
  revision: RevisionHeader & RevisionLockOverrides;
  up(db: QueryRunner): Promise<void>;
  down(db: QueryRunner): Promise<void>;
}

/** A revision as known from its folder's manifest, without importing its module. */
export interface RevisionInfo {
  readonly id: string;
  readonly lineage: Lineage;
  readonly parents: readonly string[];
  readonly dependsOn: readonly string[];
  readonly message: string;
  readonly transactional: boolean;
  readonly checksum: string;
  /** Absolute path of the revision file. */
  readonly file: string;
  /** Lines still carrying a hand-fill marker (read with the checksum, so running needs no second read). */
  readonly handFillLines?: readonly number[];
  /**
   * The file's text as it was when its checksum was verified: what runs. It travels with the
   * revision, so a copy of the object runs the same verified text; a revision without it (one
   * built by hand) cannot be loaded.
   */
  readonly source?: string;
}
