/**
 * Fencing and renewal for the migration lease. The fence is a statement that runs in each
 * revision's own transaction, just before its ledger write: it extends the lease if and only if
 * this runner's token still holds it, and raises otherwise (every take bumps the token, so a lease
 * that lapsed but that nobody took is still safely this runner's), so the revision rolls back instead of
 * committing under a lease that lapsed and was taken by another runner. The keeper renews the
 * lease in the background while revisions run (on its own pooled connection).
 */
import { MIGRATION_LEASE_TABLE } from '@app/entities-framework';
import type { DataSource } from 'typeorm';
import { MigratorError } from '../errors';
import type { RevisionInfo } from '../revision/revision';
import {
  LEASE_NAME,
  LEASE_RENEW_MS,
  LEASE_TTL_MS,
  type MigrationLease,
  renewMigrationLock,
} from './migration-lock';

/** The SQLSTATE the fence raises: class DZ is ours, so nothing else in PostgreSQL uses it. */
export const LEASE_LOST_SQLSTATE = 'DZ002';

/**
 * The fence statement for a lease, inlined (it travels in the same simple-query string as the
 * ledger write and the COMMIT).
 *
 * @example
 * await db.query(`${leaseFenceSql(lease)};\n${ledgerInsert};\nCOMMIT`);
 */
export function leaseFenceSql(lease: MigrationLease): string {
  if (!/^\d+$/.test(lease.token)) throw new Error(`Invalid lease token ${lease.token}`);
  return `DO $dazzle_fence$ BEGIN
  UPDATE "${MIGRATION_LEASE_TABLE}" SET "expires_at" = clock_timestamp() + interval '${LEASE_TTL_MS} milliseconds'
   WHERE "name" = '${LEASE_NAME}' AND "token" = ${lease.token};
  IF NOT FOUND THEN
    RAISE EXCEPTION 'migration lease ${lease.token} lapsed or was taken by another runner' USING ERRCODE = '${LEASE_LOST_SQLSTATE}';
  END IF;
END $dazzle_fence$`;
}

/** The error a revision ends with when its fence found the lease gone. */
export function leaseLostFailure(info: RevisionInfo, error: unknown): MigratorError {
  return new MigratorError(
    'MIGRATION_LOCK_LOST',
    `Revision ${info.id} (${info.file}) was rolled back because this runner's migration lease lapsed (no renewal for ${LEASE_TTL_MS / 1000} s) and another runner took it: check what stalled this process or its connection, then run the command again.`,
    { revision: info.id, file: info.file },
    error,
  );
}

/** Renews a lease every LEASE_RENEW_MS until stopped; remembers whether a renewal found it gone. */
export class LeaseKeeper {
  readonly #dataSource: DataSource;
  readonly #lease: MigrationLease;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #renewing: Promise<void> = Promise.resolve();
  #lost = false;

  constructor(dataSource: DataSource, lease: MigrationLease) {
    this.#dataSource = dataSource;
    this.#lease = lease;
    this.#schedule();
  }

  /** True once a renewal found the lease no longer this runner's. */
  get lost(): boolean {
    return this.#lost;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#renewing;
  }

  #schedule(): void {
    if (this.#stopped || this.#lost) return;
    this.#timer = setTimeout(() => {
      this.#renewing = this.#renew().finally(() => this.#schedule());
    }, LEASE_RENEW_MS);
    this.#timer.unref();
  }

  async #renew(): Promise<void> {
    try {
      if (!(await renewMigrationLock(this.#dataSource, this.#lease))) this.#lost = true;
    } catch {
      // A failed renewal is retried at the next tick; the fence decides whether a revision commits.
    }
  }
}
