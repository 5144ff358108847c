/**
 * The migration lock: a PostgreSQL session advisory lock held by the runner's own connection for
 * the whole run. Concurrent runners wait for it (and are told who holds it); a runner that dies
 * loses its connection, and PostgreSQL frees the lock with it.
 */
import type { QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';

/**
 * Two-key advisory lock id: 'DAZZ' and 1. Documented so DBAs can find it in pg_locks. Advisory
 * locks are per database, so apps on one server never wait for each other.
 */
export const LOCK_CLASS_ID = 0x44415a5a;
export const LOCK_OBJECT_ID = 1;

export interface LockHolder {
  pid: number;
  applicationName: string;
  clientAddress: string | null;
  since: Date | null;
}

export interface AcquireLockOptions {
  timeoutMs: number;
  /** Called once, before waiting, with whoever holds the lock. */
  onWait?: (holder: LockHolder | undefined) => void;
}

export async function tryAcquireMigrationLock(db: QueryRunner): Promise<boolean> {
  const [row] = await db.query('SELECT pg_try_advisory_lock($1, $2) AS "locked"', [
    LOCK_CLASS_ID,
    LOCK_OBJECT_ID,
  ]);
  return row.locked === true;
}

export async function findLockHolder(db: QueryRunner): Promise<LockHolder | undefined> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr, a.backend_start
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2 AND l.granted
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     LIMIT 1`,
    [LOCK_CLASS_ID, LOCK_OBJECT_ID],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    pid: row.pid as number,
    applicationName: (row.application_name as string) || 'unknown',
    clientAddress: (row.client_addr as string | null) ?? null,
    since: (row.backend_start as Date | null) ?? null,
  };
}

/**
 * Takes the lock, waiting at most `timeoutMs`. The wait itself is PostgreSQL's (lock_timeout), so
 * a waiter wakes the moment the holder lets go instead of polling.
 *
 * @example
 * await acquireMigrationLock(runner, { timeoutMs: 60_000, onWait: (h) => console.log('waiting for', h) });
 */
export async function acquireMigrationLock(db: QueryRunner, options: AcquireLockOptions): Promise<void> {
  if (await tryAcquireMigrationLock(db)) return;
  const holder = await findLockHolder(db);
  options.onWait?.(holder);
  await db.query(`SET lock_timeout = ${Math.max(1, Math.floor(options.timeoutMs))}`);
  try {
    await db.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS_ID, LOCK_OBJECT_ID]);
  } catch (error) {
    const code = (error as { driverError?: { code?: string } }).driverError?.code;
    if (code === '55P03') {
      const who = holder ? `${holder.applicationName} (pid ${holder.pid})` : 'another runner';
      throw new MigratorError(
        'MIGRATION_LOCK_TIMEOUT',
        `Waited ${options.timeoutMs} ms for the migration lock held by ${who}: let it finish, or raise the timeout with --lock-timeout.`,
        { timeoutMs: options.timeoutMs, holder },
      );
    }
    throw error;
  } finally {
    await db.query('RESET lock_timeout');
  }
}

export async function releaseMigrationLock(db: QueryRunner): Promise<void> {
  await db.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS_ID, LOCK_OBJECT_ID]);
}

/**
 * A runner killed in the middle of a long statement would keep its session (and the lock) until
 * the statement ends, because PostgreSQL only notices a vanished client when it next talks to it.
 * PostgreSQL 14+ can poll the socket while a query runs; ask it to, so the lock frees in seconds.
 */
export async function watchForDeadClient(db: QueryRunner): Promise<void> {
  try {
    await db.query(`SET client_connection_check_interval = ${DEAD_CLIENT_CHECK_MS}`);
  } catch (error) {
    // PostgreSQL 13 and older lack the setting (42704); the lock is still freed when the statement ends.
    if ((error as { driverError?: { code?: string } }).driverError?.code !== '42704') throw error;
  }
}

const DEAD_CLIENT_CHECK_MS = 1_000;
