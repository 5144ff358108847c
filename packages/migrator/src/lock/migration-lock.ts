/**
 * The migration lock: a lease row in `_dazzle_migration_lease`, taken, renewed and released in
 * short single-statement transactions, so it holds the same on a direct connection and through a
 * connection pooler (PgBouncer in session or transaction mode), where a session advisory lock
 * would stay behind on a pooled server connection. Each lease carries a fencing token: every
 * revision's ledger write checks it in the revision's own transaction (see lease-fence.ts), so a
 * runner that lost its lease cannot commit. A runner that dies stops renewing, and its lease
 * expires after LEASE_TTL_MS.
 */
import { MIGRATION_LEASE_TABLE } from '@app/entities-framework';
import type { DataSource, QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';

/**
 * Two-key advisory lock id: 'DAZZ' and 1. Only ever taken transaction-scoped now (the bootstrap
 * serialises its CREATE TABLE IF NOT EXISTS with it), which is safe through any pooler.
 */
export const LOCK_CLASS_ID = 0x44415a5a;
export const LOCK_OBJECT_ID = 1;

/** The lease row's key: one migration lock per database. */
export const LEASE_NAME = 'migrate';

/** How long a lease lives without renewal: a runner that died frees the lock within this. */
export const LEASE_TTL_MS = 10_000;
/** How often the holder renews: several renewals fit in one TTL, so one slow round trip is harmless. */
export const LEASE_RENEW_MS = 2_000;

export const CREATE_MIGRATION_LEASE_SQL = `CREATE TABLE IF NOT EXISTS "${MIGRATION_LEASE_TABLE}" (
  "name" varchar(64) NOT NULL,
  "token" bigint NOT NULL DEFAULT 0,
  "holder" text,
  "holder_pid" integer,
  "holder_address" text,
  "acquired_at" timestamptz,
  "expires_at" timestamptz NOT NULL DEFAULT '-infinity',
  CONSTRAINT "PK__dazzle_migration_lease" PRIMARY KEY ("name")
)`;

export interface LockHolder {
  /** The holding runner's process id (on its own machine). */
  pid: number;
  /** Who holds it: `dazzle-migrator host:pid`, or what another tool wrote. */
  applicationName: string;
  clientAddress: string | null;
  since: Date | null;
  /** When the lease lapses unless its holder renews it. */
  expiresAt?: Date | null;
}

/** A lease this runner holds: its fencing token and who it is. */
export interface MigrationLease {
  readonly token: string;
  readonly holder: string;
}

export interface AcquireLockOptions {
  timeoutMs: number;
  /** Who is asking, shown to anyone who waits. */
  holder: string;
  /** Called once, before waiting, with whoever holds the lock. */
  onWait?: (holder: LockHolder | undefined) => void;
}

type Queryable = Pick<QueryRunner, 'query'> | Pick<DataSource, 'query'>;

/** Takes the lease if it is free or lapsed; undefined when someone else holds it. */
export async function tryAcquireMigrationLock(
  db: Queryable,
  holder: string,
): Promise<MigrationLease | undefined> {
  const rows: Array<{ token: string }> = await db.query(
    `INSERT INTO "${MIGRATION_LEASE_TABLE}" AS l ("name", "token", "holder", "holder_pid", "holder_address", "acquired_at", "expires_at")
     VALUES ($1, 1, $2, $3, host(inet_client_addr()), clock_timestamp(), clock_timestamp() + $4 * interval '1 millisecond')
     ON CONFLICT ("name") DO UPDATE SET "token" = l."token" + 1, "holder" = EXCLUDED."holder",
       "holder_pid" = EXCLUDED."holder_pid", "holder_address" = EXCLUDED."holder_address",
       "acquired_at" = EXCLUDED."acquired_at", "expires_at" = EXCLUDED."expires_at"
     WHERE l."holder" IS NULL OR l."expires_at" <= clock_timestamp()
     RETURNING "token"::text AS "token"`,
    [LEASE_NAME, holder, process.pid, LEASE_TTL_MS],
  );
  const row = rows[0];
  return row ? Object.freeze({ token: row.token, holder }) : undefined;
}

export async function findLockHolder(db: Queryable): Promise<LockHolder | undefined> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT "holder", "holder_pid", "holder_address", "acquired_at", "expires_at" FROM "${MIGRATION_LEASE_TABLE}"
     WHERE "name" = $1 AND "holder" IS NOT NULL AND "expires_at" > clock_timestamp()`,
    [LEASE_NAME],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    pid: (row.holder_pid as number | null) ?? 0,
    applicationName: (row.holder as string) || 'unknown',
    clientAddress: (row.holder_address as string | null) ?? null,
    since: (row.acquired_at as Date | null) ?? null,
    expiresAt: (row.expires_at as Date | null) ?? null,
  };
}

/**
 * Takes the lease, waiting at most `timeoutMs`. Through a transaction pooler nothing can block on
 * a session's behalf, so a waiter polls (every 100 ms, backing off to 500 ms): a freed lease is
 * taken within half a second, a lapsed one as soon as it lapses.
 *
 * @example
 * const lease = await acquireMigrationLock(dataSource, { timeoutMs: 60_000, holder: 'deploy-7' });
 */
export async function acquireMigrationLock(
  db: Queryable,
  options: AcquireLockOptions,
): Promise<MigrationLease> {
  const deadline = Date.now() + options.timeoutMs;
  let lease = await tryAcquireMigrationLock(db, options.holder);
  if (lease) return lease;
  let holder = await findLockHolder(db);
  options.onWait?.(holder);
  let delay = 100;
  while (!lease) {
    if (Date.now() >= deadline) throw lockTimeout(options.timeoutMs, holder ?? (await findLockHolder(db)));
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(1, deadline - Date.now()))));
    delay = Math.min(delay * 2, 500);
    lease = await tryAcquireMigrationLock(db, options.holder);
    if (!lease) holder = (await findLockHolder(db)) ?? holder;
  }
  return lease;
}

function lockTimeout(timeoutMs: number, holder: LockHolder | undefined): MigratorError {
  const who = holder ? `${holder.applicationName} (pid ${holder.pid})` : 'another runner';
  return new MigratorError(
    'MIGRATION_LOCK_TIMEOUT',
    `Waited ${timeoutMs} ms for the migration lock held by ${who}: let it finish, or raise the timeout with --lock-timeout (a runner that died frees it within ${LEASE_TTL_MS / 1000} s).`,
    { timeoutMs, holder },
  );
}

/**
 * Extends the lease; false when it is no longer this runner's (someone took it: every take bumps
 * the token, so a lease that lapsed while nobody wanted it is still this runner's to extend).
 */
export async function renewMigrationLock(db: Queryable, lease: MigrationLease): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `UPDATE "${MIGRATION_LEASE_TABLE}" SET "expires_at" = clock_timestamp() + $3 * interval '1 millisecond'
     WHERE "name" = $1 AND "token" = $2 AND "holder" IS NOT NULL RETURNING 1`,
    [LEASE_NAME, lease.token, LEASE_TTL_MS],
  );
  return rows.length > 0;
}

/** Frees the lease at once, if it is still this runner's. */
export async function releaseMigrationLock(db: Queryable, lease: MigrationLease): Promise<void> {
  await db.query(
    `UPDATE "${MIGRATION_LEASE_TABLE}" SET "holder" = NULL, "expires_at" = '-infinity'
     WHERE "name" = $1 AND "token" = $2`,
    [LEASE_NAME, lease.token],
  );
}

/**
 * A runner killed in the middle of a long statement would keep its session until the statement
 * ends, because PostgreSQL only notices a vanished client when it next talks to it. PostgreSQL 14+
 * can poll the socket while a query runs; ask it to on a direct or session-pooled connection (a
 * session setting means nothing through a transaction pooler, so the caller skips it there).
 */
export async function watchForDeadClient(db: QueryRunner): Promise<void> {
  try {
    await db.query(`SET client_connection_check_interval = ${DEAD_CLIENT_CHECK_MS}`);
  } catch (error) {
    // PostgreSQL 13 and older lack the setting (42704); the session still ends with the statement.
    if ((error as { driverError?: { code?: string } }).driverError?.code !== '42704') throw error;
  }
}

const DEAD_CLIENT_CHECK_MS = 1_000;

/** How long a psql script's lease lives: the script cannot renew it, so it gets one long lease. */
export const SCRIPT_LEASE_TTL_MS = 3_600_000;

/**
 * The lease, taken from a psql script (`upgrade --sql`): tries every 200 ms for a minute, committing
 * between tries so the wait holds no row lock on the lease, then fails with 55P03 (lock_not_available).
 */
export function scriptAcquireSql(): string {
  return `DO $dazzle_lock$ BEGIN
  FOR attempt IN 1..300 LOOP
    INSERT INTO "${MIGRATION_LEASE_TABLE}" AS l ("name", "token", "holder", "acquired_at", "expires_at")
    VALUES ('${LEASE_NAME}', 1, 'psql script', clock_timestamp(), clock_timestamp() + interval '${SCRIPT_LEASE_TTL_MS} milliseconds')
    ON CONFLICT ("name") DO UPDATE SET "token" = l."token" + 1, "holder" = EXCLUDED."holder", "holder_pid" = NULL,
      "holder_address" = NULL, "acquired_at" = EXCLUDED."acquired_at", "expires_at" = EXCLUDED."expires_at"
    WHERE l."holder" IS NULL OR l."expires_at" <= clock_timestamp();
    IF FOUND THEN RETURN; END IF;
    COMMIT;
    PERFORM pg_sleep(0.2);
  END LOOP;
  RAISE EXCEPTION 'the migration lock is held by another runner: run this script again once it is done' USING ERRCODE = '55P03';
END $dazzle_lock$`;
}

/** Frees the lease a psql script took. */
export function scriptReleaseSql(): string {
  return `UPDATE "${MIGRATION_LEASE_TABLE}" SET "holder" = NULL, "expires_at" = '-infinity' WHERE "name" = '${LEASE_NAME}' AND "holder" = 'psql script'`;
}
