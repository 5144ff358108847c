/**
 * `revision --expand`: the planned revision (one table-rewriting column type change, proved on the
 * shadow as TypeORM writes it) becomes an expand revision and a contract revision, proved as a pair
 * on the same shadow: from the schema before the change, expand then contract must leave TypeORM
 * nothing to diff, and the contract's down then the expand's down must restore that schema exactly.
 * The shadow is rolled back afterwards (the pair is not kept: the next run replays it).
 */
import { compareCatalogs, formatDifference, MigratorError, quoteTable, withoutPublic } from '@app/migrator';
import type { DataSource, QueryRunner } from 'typeorm';
import type { RenderedStatement } from '../authoring/render-revision';
import { ACKNOWLEDGED_MARKER, type LintFinding, lintStatements } from '../lint/lint-revision';
import { readShadowCatalog } from '../shadow/raw-connection';
import { readRetypedColumn, typeChangeToExpand } from './expand-column';
import { type ExpandContractPlan, planExpandContract, type RetypedColumn } from './expand-contract';
import type { PlannedRevision } from './generate-revision';
import { statementsOf, steppedRevision } from './online-steps';
import { diffSchema } from './schema-diff';

export interface ExpandContractPair {
  readonly expand: PlannedRevision;
  readonly contract: PlannedRevision;
}

async function run(runner: QueryRunner, statements: readonly RenderedStatement[]): Promise<void> {
  for (const statement of statements) await runner.query(statement.sql);
}

function notConverging(what: string): never {
  throw new MigratorError(
    'GENERATION_DID_NOT_CONVERGE',
    `The expand/contract pair does not prove on the shadow database: ${what}. Please report this shape; run without --expand meanwhile.`,
  );
}

async function provePair(
  runner: QueryRunner,
  dataSource: DataSource,
  plan: ExpandContractPlan,
  table: string,
): Promise<void> {
  const before = await readShadowCatalog(runner);
  await run(runner, plan.expandUpInOneTransaction);
  await run(runner, plan.contract.up);
  const residue = await diffSchema(dataSource, { only: new Set([withoutPublic(table)]) });
  if (residue.up.length > 0) notConverging(`after both, TypeORM still finds ${residue.up.join('; ')}`);
  await run(runner, plan.contract.down);
  await run(runner, statementsOf(plan.expand.down));
  const left = compareCatalogs(before, await readShadowCatalog(runner)).filter((d) => !d.orderOnly);
  if (left.length > 0) notConverging(`their downs leave ${left.map(formatDifference).join('; ')}`);
}

async function findings(
  up: readonly RenderedStatement[],
  acknowledged: readonly string[],
): Promise<LintFinding[]> {
  const linted = await lintStatements(up.map((s) => s.sql));
  return linted.map((f) => (acknowledged.includes(f.rule) ? { ...f, severity: 'info' as const } : f));
}

function headers(column: RetypedColumn, plan: ExpandContractPlan): { expand: string[]; contract: string[] } {
  const what = `${column.table}.${column.column} (${column.oldType} → ${column.newType})`;
  return {
    expand: [
      `Expand, 1 of 2, for ${what}: adds the nullable column ${plan.newColumn} and a trigger that keeps it equal to ${column.column} on every insert and update, then copies the rows in batches, each its own transaction${column.notNull ? ', then proves it NOT NULL with a validated CHECK' : ''}. Destroys nothing.`,
      'Deploy (upgrade) to this revision first; switch the column with the contract revision (its child) in a later deploy. Until then the app keeps reading and writing the old column.',
      `Its down drops ${plan.newColumn}, a copy of ${column.column}: \`dazzle db downgrade\` counts those values as data it would destroy and asks for --allow-destructive.`,
    ],
    contract: [
      `Contract, 2 of 2, for ${what}: in one short transaction, drops the trigger and the ${column.oldType} column ${column.column}, renames ${plan.newColumn} to ${column.column}${column.notNull ? ', sets NOT NULL (no scan: the expand revision validated a CHECK)' : ''}${column.defaultSql !== undefined ? ', restores the default' : ''}${column.comment !== undefined ? ', restores the comment' : ''}.`,
      `Destroys: the ${column.oldType} column ${column.column}; its values live on, as ${column.newType}, in the column that takes its name. Its down rebuilds the ${column.oldType} column from them, and stops (changing nothing) if a value no longer fits ${column.oldType}.`,
      'Upgrade to it once the expand revision has run everywhere, in a later deploy.',
      `${ACKNOWLEDGED_MARKER} drop-column`,
    ],
  };
}

/**
 * Turns a planned revision whose only change is a table-rewriting column type change into the
 * expand/contract pair, proved on the shadow where `planned` was just applied.
 *
 * @throws MigratorError EXPAND_NOT_POSSIBLE for another kind of revision or a column with dependants.
 * @example
 * const { expand, contract } = await expandOnShadow(planned, dataSource);
 */
export async function expandOnShadow(
  planned: PlannedRevision,
  dataSource: DataSource,
): Promise<ExpandContractPair> {
  const change = typeChangeToExpand(planned.up);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [retyped]: Array<{ type: string }> = await runner.query(
      `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2`,
      [quoteTable(change.table), change.column],
    );
    // Back to the schema before the change: the pair is built and proved from there.
    await run(runner, planned.down);
    const column = await readRetypedColumn(runner, change, retyped!.type);
    const plan = planExpandContract(column);
    await provePair(runner, dataSource, plan, change.table);
    const expand = steppedRevision(plan.expand.up, plan.expand.down);
    const notes = headers(column, plan);
    return {
      expand: {
        ...expand,
        transactional: false,
        notes: notes.expand,
        findings: await findings(expand.up, []),
        dependsOn: planned.dependsOn,
      },
      contract: {
        up: plan.contract.up,
        down: plan.contract.down,
        transactional: true,
        notes: notes.contract,
        findings: await findings(plan.contract.up, ['drop-column']),
        dependsOn: [],
      },
    };
  } finally {
    await runner.release();
  }
}

/** A revision about to be written: what the shadow proved and the file that runs it. */
export interface PreparedPlanned<Prepared> {
  readonly planned: PlannedRevision;
  readonly prepared: Prepared;
}

/**
 * Builds and proves the pair, then prepares both files: the expand revision on the lineage's head,
 * the contract revision as its child, one second later. `prepare` renders a file; `verify` checks
 * that the rendered file runs exactly what was proved.
 */
export async function prepareExpandContract<Prepared extends { info: { id: string } }>(
  planned: PlannedRevision,
  dataSource: DataSource,
  message: string,
  now: Date,
  prepare: (planned: PlannedRevision, as: { message: string; parents?: string[]; now: Date }) => Prepared,
  verify: (prepared: Prepared, up: RenderedStatement[]) => Promise<void>,
): Promise<[PreparedPlanned<Prepared>, PreparedPlanned<Prepared>]> {
  const pair = await expandOnShadow(planned, dataSource);
  const expand = prepare(pair.expand, { message: `expand ${message}`, now });
  await verify(expand, pair.expand.up);
  const contract = prepare(pair.contract, {
    message: `contract ${message}`,
    parents: [expand.info.id],
    now: new Date(now.getTime() + 1000),
  });
  await verify(contract, pair.contract.up);
  return [
    { planned: pair.expand, prepared: expand },
    { planned: pair.contract, prepared: contract },
  ];
}
