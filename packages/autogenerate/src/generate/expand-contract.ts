/**
 * The expand/contract form of a column type change that rewrites its table (integer → bigint):
 * instead of one `ALTER … TYPE … USING` holding ACCESS EXCLUSIVE for the whole rewrite, two
 * revisions that each hold it for a moment.
 *
 * - expand (stepped): a nullable shadow column of the new type and a trigger keeping it equal to
 *   the old one on every INSERT and UPDATE; then a batched, resumable backfill outside a
 *   transaction; then, for a NOT NULL column, a CHECK added NOT VALID and validated while writes go
 *   on. Its down drops what it added.
 * - contract (one short transaction): drop the trigger and the old column, rename the new one to
 *   the old name, SET NOT NULL (no scan: the validated CHECK proves it), the default and comment back.
 *   Its down rebuilds the old column from the new one and puts the trigger back.
 *
 * Pure: the column's facts in, both revisions' statements out.
 */
import { batchUpdateSql, quoteIdent, quoteLiteral, quoteTable } from '@app/migrator';
import type { RenderedStatement } from '../authoring/render-revision';
import type { RevisionStepPlan } from './online-steps';

/** What expand/contract needs to know about the column, read from the database before the change. */
export interface RetypedColumn {
  /** `table`, or `schema.table` outside public. */
  readonly table: string;
  readonly column: string;
  /** As `format_type` spells them: `integer`, `bigint`, `character varying(20)`. */
  readonly oldType: string;
  readonly newType: string;
  readonly notNull: boolean;
  /** The default expression, as `pg_get_expr` gives it; undefined without one. */
  readonly defaultSql: string | undefined;
  readonly comment: string | undefined;
}

export interface ExpandContractPlan {
  readonly expand: { readonly up: RevisionStepPlan[]; readonly down: RevisionStepPlan[] };
  readonly contract: { readonly up: RenderedStatement[]; readonly down: RenderedStatement[] };
  /** The expand up with the backfill as one plain UPDATE: what a proof inside a transaction runs. */
  readonly expandUpInOneTransaction: RenderedStatement[];
  readonly newColumn: string;
}

const PG_IDENTIFIER_LIMIT = 63;
const BATCH_SIZE = 1000;

const limit = (name: string) => name.slice(-PG_IDENTIFIER_LIMIT);
const tx = (...statements: RenderedStatement[]): RevisionStepPlan => ({ transactional: true, statements });

function schemaOf(table: string): string {
  const dot = table.indexOf('.');
  return dot < 0 ? 'public' : table.slice(0, dot);
}

function bareName(table: string): string {
  return table.slice(table.indexOf('.') + 1);
}

/**
 * Both revisions of the expand/contract sequence for one column.
 *
 * @example
 * planExpandContract({ table: 'bill', column: 'total', oldType: 'integer', newType: 'bigint', notNull: true, defaultSql: '0', comment: undefined });
 * // expand.up: [ADD COLUMN + trigger] [backfill, outside a transaction] [CHECK NOT VALID] [VALIDATE]
 */
export function planExpandContract(column: RetypedColumn): ExpandContractPlan {
  const target = quoteTable(column.table);
  const oldName = quoteIdent(column.column);
  const newColumn = limit(`${column.column}_dz_new`);
  const newName = quoteIdent(newColumn);
  const sync = limit(`${bareName(column.table)}_${column.column}_dz_sync`);
  const syncFunction = `${quoteIdent(schemaOf(column.table))}.${quoteIdent(sync)}`;
  const check = quoteIdent(limit(`${column.column}_dz_new_not_null`));
  const converted = (from: string, type: string) => `${from}::${type}`;

  const addShadow: RenderedStatement[] = [
    {
      sql: `ALTER TABLE ${target} ADD COLUMN ${newName} ${column.newType}`,
      note: `${column.table}.${column.column} becomes ${column.newType} without a table rewrite: a nullable ${column.newType} column first`,
    },
    {
      sql: `CREATE FUNCTION ${syncFunction}() RETURNS trigger LANGUAGE plpgsql AS $dazzle$ BEGIN NEW.${newName} := ${converted(`NEW.${oldName}`, column.newType)}; RETURN NEW; END $dazzle$`,
      note: `keeps ${newColumn} equal to ${column.column} on every insert and update until the contract revision`,
    },
    {
      sql: `CREATE TRIGGER ${quoteIdent(sync)} BEFORE INSERT OR UPDATE ON ${target} FOR EACH ROW EXECUTE FUNCTION ${syncFunction}()`,
    },
  ];
  const set = `${newName} = ${converted(oldName, column.newType)}`;
  const behind = `${newName} IS DISTINCT FROM ${converted(oldName, column.newType)}`;
  const backfill: RenderedStatement = {
    sql: batchUpdateSql(column.table, set, behind, { batchSize: BATCH_SIZE }),
    note: `copies ${column.column} into ${newColumn} ${BATCH_SIZE} rows at a time, each batch committed on its own; a rerun skips the rows already copied`,
  };
  const proveNotNull: RevisionStepPlan[] = column.notNull
    ? [
        tx({
          sql: `ALTER TABLE ${target} ADD CONSTRAINT ${check} CHECK (${newName} IS NOT NULL) NOT VALID`,
          note: `${column.column} is NOT NULL: a validated CHECK lets the contract revision set it without a scan`,
        }),
        tx({ sql: `ALTER TABLE ${target} VALIDATE CONSTRAINT ${check}` }),
      ]
    : [];
  const dropShadow: RenderedStatement[] = [
    { sql: `DROP TRIGGER ${quoteIdent(sync)} ON ${target}` },
    { sql: `DROP FUNCTION ${syncFunction}()` },
    { sql: `ALTER TABLE ${target} DROP COLUMN ${newName}` },
  ];

  const restore = (): RenderedStatement[] => [
    ...(column.notNull ? [{ sql: `ALTER TABLE ${target} ALTER COLUMN ${oldName} SET NOT NULL` }] : []),
    ...(column.defaultSql !== undefined
      ? [{ sql: `ALTER TABLE ${target} ALTER COLUMN ${oldName} SET DEFAULT ${column.defaultSql}` }]
      : []),
    ...(column.comment !== undefined
      ? [{ sql: `COMMENT ON COLUMN ${target}.${oldName} IS ${quoteLiteral(column.comment)}` }]
      : []),
  ];
  const contractUp: RenderedStatement[] = [
    {
      sql: `DROP TRIGGER ${quoteIdent(sync)} ON ${target}`,
      note: `switch ${column.table}.${column.column} to ${column.newType}: this drops the ${column.oldType} column (its values live on in ${newColumn})`,
    },
    { sql: `DROP FUNCTION ${syncFunction}()` },
    { sql: `ALTER TABLE ${target} DROP COLUMN ${oldName}` },
    { sql: `ALTER TABLE ${target} RENAME COLUMN ${newName} TO ${oldName}` },
    ...restore(),
    ...(column.notNull ? [{ sql: `ALTER TABLE ${target} DROP CONSTRAINT ${check}` }] : []),
  ];
  const contractDown: RenderedStatement[] = [
    ...(column.defaultSql !== undefined
      ? [
          {
            sql: `ALTER TABLE ${target} ALTER COLUMN ${oldName} DROP DEFAULT`,
            note: `rebuild the ${column.oldType} column from the ${column.newType} one; a value that no longer fits stops this down and changes nothing`,
          },
        ]
      : []),
    ...(column.notNull
      ? [
          { sql: `ALTER TABLE ${target} ADD CONSTRAINT ${check} CHECK (${oldName} IS NOT NULL)` },
          { sql: `ALTER TABLE ${target} ALTER COLUMN ${oldName} DROP NOT NULL` },
        ]
      : []),
    { sql: `ALTER TABLE ${target} RENAME COLUMN ${oldName} TO ${newName}` },
    ...(column.comment !== undefined ? [{ sql: `COMMENT ON COLUMN ${target}.${newName} IS NULL` }] : []),
    { sql: `ALTER TABLE ${target} ADD COLUMN ${oldName} ${column.oldType}` },
    { sql: `UPDATE ${target} SET ${oldName} = ${converted(newName, column.oldType)}` },
    ...restore(),
    ...addShadow.slice(1).map((s) => ({ sql: s.sql })),
  ];
  return {
    expand: {
      up: [tx(...addShadow), { transactional: false, statements: [backfill] }, ...proveNotNull],
      down: [tx(...dropShadow)],
    },
    contract: { up: contractUp, down: contractDown },
    expandUpInOneTransaction: [
      ...addShadow,
      { sql: `UPDATE ${target} SET ${set} WHERE ${behind}` },
      ...proveNotNull.flatMap((s) => s.statements),
    ],
    newColumn,
  };
}
