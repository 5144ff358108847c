/**
 * Offline SQL: what `upgrade`/`downgrade` would send, rendered as a script for a DBA to review or
 * run with `psql -v ON_ERROR_STOP=1 -f`, produced by running each revision against a runner that
 * records instead of executing. An upgrade script first creates what `upgrade` bootstraps, so it
 * applies to an empty database; nothing in it depends on who rendered it or when, so two renders
 * of one plan are byte-identical.
 */
import type { QueryRunner } from 'typeorm';
import { MigratorError } from '../errors';
import type { RevisionGraph } from '../graph/revision-graph';
import {
  BOOTSTRAP_STATEMENTS,
  deleteLedgerRowSql,
  insertLedgerRowSql,
  ledgerRowParameters,
} from '../ledger/ledger';
import { CREATE_MIGRATION_LEASE_SQL, scriptAcquireSql, scriptReleaseSql } from '../lock/migration-lock';
import { loadRevisionModule } from '../revision/load-revision';
import type { RevisionInfo, RevisionModule } from '../revision/revision';
import { inlineParameters } from '../sql/quote';
import type { Direction } from './execute-revision';
import { cutIntoSteps } from './revision-steps';

/** The ledger's `applied_by` for rows a script writes: the same in every render, unlike a host and pid. */
export const SCRIPT_APPLIED_BY = 'dazzle db upgrade --sql';

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
      ? inlineParameters(insertLedgerRowSql(), ledgerRowParameters(info, 0, 'run', SCRIPT_APPLIED_BY))
      : inlineParameters(deleteLedgerRowSql(), [info.id]);
  const steps = !info.transactional && module.revision.steps?.[direction];
  // A stepped revision shows its steps as it runs them: each transactional one in BEGIN … COMMIT.
  const run = steps
    ? cutIntoSteps(info, statements, steps).flatMap((step, _, all) => {
        const label = `-- Step ${step.number} of ${all.length}, ${step.transaction ? 'in one transaction' : 'outside a transaction'}`;
        return step.transaction
          ? [label, 'BEGIN;', ...step.statements, 'COMMIT;']
          : [label, ...step.statements];
      })
    : statements;
  const body = [...run, `${ledger.replace(/\s+/g, ' ')};`];
  const header = `-- ${direction === 'up' ? 'Upgrade' : 'Downgrade'} ${info.lineage} revision ${info.id}: ${info.message}`;
  return info.transactional
    ? [header, 'BEGIN;', ...body, 'COMMIT;'].join('\n')
    : [header, ...body].join('\n');
}

/**
 * A whole script for a plan: for an upgrade the bootstrap DDL `upgrade` runs, the migration lock's
 * lease (taken as `upgrade` takes it, freed at the end), then each revision.
 */
export async function renderScript(
  graph: RevisionGraph,
  plan: readonly string[],
  direction: Direction,
): Promise<string> {
  if (plan.length === 0) return '-- Nothing to do: the database is already at the target.\n';
  const parts = [
    '-- Apply with: psql -v ON_ERROR_STOP=1 -f <this file>\n-- Takes the migration lock (a lease row) other runners take, and frees it at the end.',
  ];
  if (direction === 'up') {
    parts.push(
      ['-- The ledger and the tables it needs, as `dazzle db upgrade` creates them.', 'BEGIN;']
        .concat(
          BOOTSTRAP_STATEMENTS.map((sql) => scriptStatement(sql)),
          'COMMIT;',
        )
        .join('\n'),
    );
  } else {
    parts.push(scriptStatement(CREATE_MIGRATION_LEASE_SQL));
  }
  parts.push(scriptStatement(scriptAcquireSql()));
  for (const id of plan) {
    const info = graph.get(id)!;
    parts.push(await renderRevisionSql(info, await loadRevisionModule(info), direction));
  }
  parts.push(scriptStatement(scriptReleaseSql()));
  return `${parts.join('\n\n')}\n`;
}
