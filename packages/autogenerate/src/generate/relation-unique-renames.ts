/**
 * A one-to-one join column carries a unique constraint named from its table and columns
 * (`REL_<hash>`, TypeORM's relationConstraintName). TypeORM's renameColumn renames the foreign key
 * and `UQ_` constraints with the column but leaves `REL_` alone, and its generator never compares a
 * single-column unique by name, so after a rename a replayed database keeps the old name while a
 * fresh build (create-all, or a new environment from the entities) gets the new one. A later
 * change to the relation then writes `DROP CONSTRAINT "REL_…"` that only one of them has. The same
 * holds for a table rename (the hash covers the table's name, and TypeORM's renameTable renames
 * only `PK_`, `UQ_`, `FK_` and `IDX_`). Here the constraint is renamed with its column or its table,
 * when it still has the name TypeORM gave it.
 */
import { quoteIdent, quoteTable } from '@app/migrator';
import type { QueryRunner, Table } from 'typeorm';

export interface RenamedColumn {
  /** `table` or `schema.table`, after any table rename. */
  table: string;
  from: string;
  to: string;
}

/**
 * The statements renaming each `REL_` unique over the renamed column to the name a fresh build
 * gives it; they are run on the shadow too.
 *
 * @example
 * await renameRelationUniques(runner, { table: 'account', from: 'profileId', to: 'main_profile_id' })
 * // { up: ['ALTER TABLE "account" RENAME CONSTRAINT "REL_5c…" TO "REL_9a…"'], down: [...] }
 */
export async function renameRelationUniques(
  runner: QueryRunner,
  renamed: RenamedColumn,
): Promise<{ up: string[]; down: string[] }> {
  return renameDefaultNamed(runner, renamed.table, (table, columns) =>
    runner.connection.namingStrategy.relationConstraintName(
      table,
      columns.map((c) => (c === renamed.to ? renamed.from : c)),
    ),
  );
}

/**
 * The same for a table renamed from `from` (its old name, without schema) to `table`: each `REL_`
 * unique still named after the old table gets the name a fresh build gives it.
 *
 * @example
 * await renameTableRelationUniques(runner, { table: 'member', from: 'account' })
 */
export async function renameTableRelationUniques(
  runner: QueryRunner,
  renamed: { table: string; from: string },
): Promise<{ up: string[]; down: string[] }> {
  return renameDefaultNamed(runner, renamed.table, (_table, columns) =>
    runner.connection.namingStrategy.relationConstraintName(renamed.from, columns),
  );
}

/** Renames each unique of `path` whose name is `oldName` of its columns to TypeORM's name for it now. */
async function renameDefaultNamed(
  runner: QueryRunner,
  path: string,
  oldName: (table: Table, columns: string[]) => string,
): Promise<{ up: string[]; down: string[] }> {
  const table: Table | undefined = await runner.getTable(path);
  const naming = runner.connection.namingStrategy;
  const up: string[] = [];
  const down: string[] = [];
  for (const unique of table?.uniques ?? []) {
    if (!unique.name || unique.name !== oldName(table!, unique.columnNames)) continue; // named by the user
    const fresh = naming.relationConstraintName(table!, unique.columnNames);
    if (fresh === unique.name) continue;
    const target = quoteTable(path);
    up.push(`ALTER TABLE ${target} RENAME CONSTRAINT ${quoteIdent(unique.name)} TO ${quoteIdent(fresh)}`);
    down.unshift(
      `ALTER TABLE ${target} RENAME CONSTRAINT ${quoteIdent(fresh)} TO ${quoteIdent(unique.name)}`,
    );
  }
  for (const sql of up) await runner.query(sql);
  return { up, down };
}
