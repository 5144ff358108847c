/**
 * Renames are never guessed. TypeORM's schema builder renames a column by itself when a table
 * keeps its column count and exactly one column disappears while one appears, whatever their
 * types: `phone varchar(30)` replaced by `mobile varchar(30)` becomes `RENAME COLUMN`, old values
 * landing in the new field; replaced by `loyaltyTier integer`, it becomes a rename followed by a
 * DROP + ADD of `loyaltyTier`. Here each rename TypeORM chose without a hint becomes a candidate
 * the user decides (prompt, `--rename`), with the real pair named; and when the user chose
 * `--allow-destructive` instead, the old column is dropped first so TypeORM only adds the new one.
 */

import type { Lineage } from '@app/metadata-builder';
import { describeStatement, MigratorError } from '@app/migrator';
import type { QueryRunner } from 'typeorm';
import type { RenameCandidate } from './post-process';
import type { StepResult } from './pre-steps';
import type { TableLineage } from './table-lineage';

/**
 * The column renames in TypeORM's diff of the lineage's tables: the hinted ones were applied
 * before the diff, so any left are TypeORM's guesses.
 */
export function guessedRenames(
  statements: readonly string[],
  tables: TableLineage,
  lineage: Lineage,
): RenameCandidate[] {
  return statements.flatMap((sql) => {
    const facts = describeStatement(sql);
    const table = facts.tables[0];
    const from = facts.actions[0]?.column;
    if (facts.kind !== 'RenameStmt' || facts.objectType !== 'COLUMN' || !table || !from || !facts.newName)
      return [];
    const lineages = tables.lineagesOf(facts);
    if (lineages.size > 0 && !lineages.has(lineage)) return [];
    return [{ table, from, to: facts.newName }];
  });
}

/**
 * The candidates to put to the user: TypeORM's guesses first, then the dropped-and-added pairs.
 * A column dropped and added under one name is TypeORM re-typing the column it just renamed,
 * not a rename; the pair that matters is the guessed one.
 */
export function renameCandidates(
  guessed: readonly RenameCandidate[],
  droppedAndAdded: readonly RenameCandidate[],
): RenameCandidate[] {
  const all = [...guessed, ...droppedAndAdded.filter((c) => c.from !== c.to)];
  return all.filter(
    (c, i) => all.findIndex((o) => o.table === c.table && o.from === c.from && o.to === c.to) === i,
  );
}

/**
 * With --allow-destructive and no rename asked for: drop each column TypeORM would have renamed,
 * on the shadow, as a step of the revision. The next diff then adds the new column empty.
 */
export async function dropInsteadOfRenaming(
  runner: QueryRunner,
  guessed: readonly RenameCandidate[],
  result: StepResult,
): Promise<void> {
  for (const { table, from } of guessed) {
    runner.enableSqlMemory();
    try {
      await runner.dropColumn(table, from);
      const memory = runner.getMemorySql();
      runner.disableSqlMemory();
      const up = memory.upQueries.map((q) => q.query);
      for (const sql of up) await runner.query(sql);
      result.up.push(
        ...up.map((sql, i) => ({
          sql,
          note: i === 0 ? `drop ${table}.${from}: not a rename, as asked` : undefined,
        })),
      );
      result.down.unshift(...[...memory.downQueries].reverse().map((q) => ({ sql: q.query })));
      result.destructive.push(...up);
      result.notes.push(`Drops ${table}.${from} (its values are lost); a new column is added, empty.`);
    } finally {
      runner.disableSqlMemory();
    }
  }
}

/**
 * The RENAME_AMBIGUOUS message: every candidate pair, each with the flag that keeps its data.
 *
 * @example
 * renameQuestion([{ table: 'customer', from: 'phone', to: 'mobile' }])
 */
export function renameQuestion(candidates: readonly RenameCandidate[]): string {
  const pairs = candidates.map((c) => `"${c.table}" loses column "${c.from}" and gains "${c.to}"`).join('; ');
  const flags = candidates.map((c) => `--rename ${c.table}.${c.from}=${c.to}`).join(' or ');
  return `${pairs}. If it was renamed, pass ${flags} to keep its data; to drop it and add an empty column, pass --allow-destructive.`;
}

/**
 * The user decides: the first candidate confirmed on a terminal is returned (the revision is then
 * planned again with it as a rename); without a terminal, RENAME_AMBIGUOUS names every pair.
 */
export async function askAboutRenames(
  candidates: readonly RenameCandidate[],
  confirm: ((candidate: RenameCandidate) => Promise<boolean>) | undefined,
): Promise<RenameCandidate | undefined> {
  const [candidate] = candidates;
  if (!candidate) return undefined;
  if (confirm && (await confirm(candidate))) return candidate;
  throw new MigratorError('RENAME_AMBIGUOUS', renameQuestion(candidates), { candidates });
}
