/**
 * Lock discipline for transactional revisions. DDL that waits for a lock (behind a long query or
 * an idle transaction) blocks every query queued behind it, so an outage starts the moment a
 * migration waits. Each transactional revision therefore runs with `SET LOCAL lock_timeout`: it
 * gives up quickly, its transaction rolls back whole, and it is tried again after a pause, a
 * bounded number of times. `statement_timeout` is set only when configured, so a server or role
 * setting is kept otherwise.
 */
import { MigratorError } from '../errors';
import type { RevisionInfo, RevisionLockOverrides } from '../revision/revision';

export interface LockDiscipline {
  /** PostgreSQL `lock_timeout` for each transactional revision, in ms. */
  readonly lockTimeoutMs: number;
  /** How many times a revision that hit `lock_timeout` is tried again before giving up. */
  readonly lockRetries: number;
  /** PostgreSQL `statement_timeout` for each transactional revision, in ms; unset keeps the server's. */
  readonly statementTimeoutMs?: number;
}

/** The one place the defaults live: the config, the CLI and the server all fall back to these. */
export const LOCK_DISCIPLINE_DEFAULTS: LockDiscipline = Object.freeze({
  lockTimeoutMs: 5_000,
  lockRetries: 5,
});

/** SQLSTATE of `lock_not_available`, what `lock_timeout` raises. */
export const LOCK_TIMEOUT_SQLSTATE = '55P03';

const FIRST_RETRY_DELAY_MS = 250;
const LONGEST_RETRY_DELAY_MS = 5_000;

/**
 * The lock settings of an app's config (`migrations.lockTimeoutMs`, `lockRetries`,
 * `statementTimeoutMs`): the CLI and the server both pass the config through this.
 *
 * @example
 * Migrator.connect({ databaseUrl, sources, revisionLocks: lockDisciplineOf(config.migrations) });
 */
export function lockDisciplineOf(settings: Partial<LockDiscipline> | undefined): Partial<LockDiscipline> {
  const picked: { -readonly [K in keyof LockDiscipline]?: number } = {};
  for (const key of ['lockTimeoutMs', 'lockRetries', 'statementTimeoutMs'] as const)
    if (settings?.[key] !== undefined) picked[key] = settings[key];
  return Object.freeze(picked);
}

/** The app-wide settings with the revision header's own overrides on top. */
export function disciplineFor(
  app: Partial<LockDiscipline> | undefined,
  header: RevisionLockOverrides | undefined,
): LockDiscipline {
  const pick = (key: keyof LockDiscipline) => header?.[key] ?? app?.[key] ?? LOCK_DISCIPLINE_DEFAULTS[key];
  const statementTimeoutMs = pick('statementTimeoutMs');
  return Object.freeze({
    lockTimeoutMs: pick('lockTimeoutMs') as number,
    lockRetries: pick('lockRetries') as number,
    ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }),
  });
}

/**
 * The statements that open a transactional revision's limits; SET LOCAL ends with the transaction.
 *
 * @example
 * lockSettingsSql({ lockTimeoutMs: 5000, lockRetries: 5 }); // "SET LOCAL lock_timeout = 5000"
 */
export function lockSettingsSql(discipline: LockDiscipline): string {
  const statements = [`SET LOCAL lock_timeout = ${Math.floor(discipline.lockTimeoutMs)}`];
  if (discipline.statementTimeoutMs !== undefined)
    statements.push(`SET LOCAL statement_timeout = ${Math.floor(discipline.statementTimeoutMs)}`);
  return statements.join(';\n');
}

/** Pause before retry `attempt` (1-based): doubling from 250 ms, at most 5 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(LONGEST_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1));
}

/** True when a revision failed because `lock_timeout` expired (its transaction is rolled back). */
export function isLockTimeout(error: unknown): boolean {
  return error instanceof MigratorError && error.details.postgresCode === LOCK_TIMEOUT_SQLSTATE;
}

export interface LockRetry {
  readonly revision: string;
  /** 1-based number of the retry about to happen. */
  readonly attempt: number;
  readonly of: number;
  readonly delayMs: number;
  readonly lockTimeoutMs: number;
}

/**
 * Runs one transactional revision, trying again after a `lock_timeout` failure with a growing
 * pause; any other failure, or the last lock timeout, is raised.
 */
export async function withLockRetries<T>(
  info: RevisionInfo,
  discipline: LockDiscipline,
  attempt: (tryNumber: number) => Promise<T>,
  onRetry: (retry: LockRetry) => void,
): Promise<T> {
  for (let tryNumber = 1; ; tryNumber++) {
    try {
      return await attempt(tryNumber);
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
      if (tryNumber > discipline.lockRetries) throw lockTimeoutExhausted(info, discipline, error);
      const delayMs = retryDelayMs(tryNumber);
      onRetry({
        revision: info.id,
        attempt: tryNumber,
        of: discipline.lockRetries,
        delayMs,
        lockTimeoutMs: discipline.lockTimeoutMs,
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

function lockTimeoutExhausted(info: RevisionInfo, discipline: LockDiscipline, cause: unknown): MigratorError {
  const failed = cause as MigratorError;
  const statement = typeof failed.details.statement === 'string' ? failed.details.statement : undefined;
  const shown = statement ? ` (statement: ${statement.replace(/\s+/g, ' ').slice(0, 200)})` : '';
  const tries = discipline.lockRetries + 1;
  return new MigratorError(
    'REVISION_LOCK_TIMEOUT',
    `Revision ${info.id} (${info.file}) waited longer than its lock_timeout of ${discipline.lockTimeoutMs} ms for a table lock ${tries} time${tries === 1 ? '' : 's'}${shown} and was rolled back whole each time; nothing of it remains. Find the session holding the lock (pg_stat_activity, pg_locks) and end it or wait for it, or raise migrations.lockTimeoutMs / lockRetries, then run the command again.`,
    {
      revision: info.id,
      file: info.file,
      lockTimeoutMs: discipline.lockTimeoutMs,
      attempts: tries,
      statement,
    },
    cause,
  );
}
