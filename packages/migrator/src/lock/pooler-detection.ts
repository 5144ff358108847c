/**
 * Whether the migrator's connections go through a transaction-pooling proxy (PgBouncer with
 * pool_mode=transaction, and alike), and a guard for what cannot work there. Through such a
 * pooler each transaction may run on another server connection, so session state (a `SET` outside
 * a transaction's `SET LOCAL`, a session advisory lock, LISTEN, a temporary table) would land on a
 * connection some other client gets next. The lock and the ledger need none of it; a revision that
 * uses it is stopped with one line and the fix, instead of half-working.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';
import { describeSql, loadSqlParser } from '../sql/statement-facts';

/**
 * Asks the server which backend answers, twice per client and across two clients. A direct or
 * session-pooled client keeps one backend for its whole session and never shares it, so a client
 * whose backend changes between two statements, or two clients served in turn by the same backend,
 * can only be behind a transaction pooler.
 *
 * @example
 * if (await detectTransactionPooling(dataSource)) console.log('behind a transaction pooler');
 */
export async function detectTransactionPooling(dataSource: DataSource): Promise<boolean> {
  const first = dataSource.createQueryRunner();
  const second = dataSource.createQueryRunner();
  try {
    await first.connect();
    await second.connect();
    const seen: number[] = [];
    for (const runner of [first, first, second, first, second]) {
      const [row] = await runner.query('SELECT pg_backend_pid() AS "pid"');
      seen.push(row.pid as number);
    }
    const [a1, a2, b1, a3, b2] = seen;
    return a1 !== a2 || a2 !== a3 || a1 === b1 || a3 === b1 || a3 === b2;
  } finally {
    await first.release();
    await second.release();
  }
}

/** Statement kinds that leave state on the session, and what each one is, for the message. */
const SESSION_STATE_KINDS: Readonly<Record<string, string>> = {
  ListenStmt: 'LISTEN',
  PrepareStmt: 'PREPARE',
  DeclareCursorStmt: 'a cursor WITH HOLD',
};

const SESSION_ADVISORY_LOCK = /\bpg_(try_)?advisory_lock(_shared)?\s*\(/i;

/** What session state a SQL string would leave behind, or undefined when it leaves none. */
export function sessionStateOf(sql: string): string | undefined {
  let facts: ReturnType<typeof describeSql>;
  try {
    facts = describeSql(sql);
  } catch {
    return undefined; // PostgreSQL will reject what its own parser cannot read, with its own message
  }
  for (const statement of facts) {
    if (statement.kind === 'VariableSetStmt' && !/^\s*(SET|RESET)\s+LOCAL\b/i.test(statement.sql)) {
      if (/^\s*SET\s+(TRANSACTION|SESSION\s+CHARACTERISTICS)\b/i.test(statement.sql)) continue;
      return `a session setting (${statement.sql.trim().replace(/\s+/g, ' ').slice(0, 60)})`;
    }
    const kind = SESSION_STATE_KINDS[statement.kind];
    if (kind) return kind;
    if (
      statement.kind === 'CreateStmt' &&
      /^\s*CREATE\s+(LOCAL\s+|GLOBAL\s+)?TEMP(ORARY)?\b/i.test(statement.sql)
    )
      return 'a temporary table';
  }
  return SESSION_ADVISORY_LOCK.test(sql) ? 'a session advisory lock' : undefined;
}

/**
 * The runner a revision gets behind a transaction pooler: the same runner, whose `query` first
 * refuses SQL that would leave session state. `current()` names the revision running.
 */
export async function guardSessionState(
  db: QueryRunner,
  current: () => string | undefined,
): Promise<QueryRunner> {
  await loadSqlParser();
  return new Proxy(db, {
    get(target, property) {
      if (property === 'query') {
        return (sql: string, parameters?: unknown[], useStructuredResult?: boolean) => {
          const state = typeof sql === 'string' ? sessionStateOf(sql) : undefined;
          if (state) throw poolerSessionState(current(), state);
          return Reflect.apply(target.query, target, [sql, parameters, useStructuredResult]);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function poolerSessionState(revision: string | undefined, state: string): MigratorError {
  const which = revision ? `Revision ${revision}` : 'This migration';
  return new MigratorError(
    'POOLER_SESSION_STATE',
    `${which} uses ${state}, which a transaction pooler (PgBouncer pool_mode=transaction) would leave on a connection another client gets: use SET LOCAL inside a transactional revision, or set database.directUrl in dazzle.config.ts to a direct connection for migrations.`,
    { revision, state },
  );
}
