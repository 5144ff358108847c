/**
 * Offline SQL: what `upgrade`/`downgrade` would send, rendered as a script for a DBA to review or
 * run, produced by running each revision against a runner that records instead of executing.
 */
import type { QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';
import { deleteLedgerRowSql, insertLedgerRowSql, ledgerRowParameters } from '../ledger/ledger';
import type { RevisionInfo, RevisionModule } from '../revision/revision';
import { inlineParameters } from '../sql/quote';
import type { Direction } from './execute-revision';

/** A statement as a script shows it: parameters inlined, one terminating semicolon. */
export function scriptStatement(sql: string, parameters: readonly unknown[] = []): string {
  return `${inlineParameters(sql.trim(), parameters).replace(/;\s*$/, '')};`;
}

/** A stand-in QueryRunner whose `query` records SQL; anything else fails with a clear message. */
export function recordingQueryRunner(revision: RevisionInfo, sink: string[]): QueryRunner {
  const target = {
    query: async (sql: string, parameters?: unknown[]) => {
      sink.push(scriptStatement(sql, parameters));
      return [];
    },
  };
  return new Proxy(target, {
    get(object, property) {
      if (property in object) return object[property as keyof typeof object];
      if (property === 'then') return undefined;
      throw new MigratorError(
        'OFFLINE_UNSUPPORTED',
        `Revision ${revision.id} (${revision.file}) calls QueryRunner.${String(property)}, which cannot be rendered offline: use db.query() with SQL in the revision, or run it online.`,
        { revision: revision.id, method: String(property) },
      );
    },
  }) as unknown as QueryRunner;
}

/** The statements a revision sends in one direction, each ending in `;`, without running them. */
export async function recordStatements(
  info: RevisionInfo,
  module: RevisionModule,
  direction: Direction,
): Promise<string[]> {
  const statements: string[] = [];
  await module[direction](recordingQueryRunner(info, statements));
  return statements;
}

export async function renderRevisionSql(
  info: RevisionInfo,
  module: RevisionModule,
  direction: Direction,
): Promise<string> {
  const statements = await recordStatements(info, module, direction);
  const ledger =
    direction === 'up'
      ? inlineParameters(insertLedgerRowSql(), ledgerRowParameters(info, 0, 'run'))
      : inlineParameters(deleteLedgerRowSql(), [info.id]);
  const body = [...statements, `${ledger.replace(/\s+/g, ' ')};`];
  const header = `-- ${direction === 'up' ? 'Upgrade' : 'Downgrade'} ${info.lineage} revision ${info.id}: ${info.message}`;
  return info.transactional
    ? [header, 'BEGIN;', ...body, 'COMMIT;'].join('\n')
    : [header, ...body].join('\n');
}
