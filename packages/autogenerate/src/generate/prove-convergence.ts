/**
 * The convergence proof: the generated script (and the orphan drops) applied to the shadow, after
 * which TypeORM's generator must find nothing left to change. Without it, a shape TypeORM writes
 * one way and reads back another would give a revision that `check` never stops reporting.
 */

import { describeStatement, MigratorError } from '@app/migrator';
import type { DataSource, QueryRunner } from 'typeorm';
import { dropOrphanTables, type OrphanTable } from './orphan-tables';
import type { ProcessedDiff } from './post-process';
import { diffSchema, touchedTables } from './schema-diff';
import type { TableLineage } from './table-lineage';

/**
 * Applies the script (and the orphan drops) to the shadow and proves it converges: TypeORM must
 * find nothing left to change. The diff before it already covered the pre-steps, so only tables
 * the script touched are compared again.
 */
export async function applyAndProve(
  runner: QueryRunner,
  dataSource: DataSource,
  processed: ProcessedDiff,
  ownOrphans: readonly OrphanTable[],
  tables: TableLineage,
): Promise<{ transactional: boolean }> {
  const concurrent = processed.up.some((s) => describeStatement(s.sql).concurrent);
  // One round trip for the whole script (it can be hundreds of statements), unless a statement
  // must run on its own outside any transaction block.
  if (concurrent) for (const s of processed.up) await runner.query(s.sql);
  else if (processed.up.length > 0) await runner.query(processed.up.map((s) => s.sql).join(';\n'));
  // After the main script, so foreign keys into an orphaned table are already gone.
  const dropped = await dropOrphanTables(runner, ownOrphans);
  processed.up.push(...dropped.up);
  processed.down.unshift(...dropped.down);
  const residue = await diffSchema(dataSource, { only: touchedTables(processed.up, tables) });
  if (residue.up.length > 0) {
    throw new MigratorError(
      'GENERATION_DID_NOT_CONVERGE',
      `After applying the generated statements to the shadow database, TypeORM still finds differences: ${residue.up.join('; ')}. Please report this shape; write this change with --empty meanwhile.`,
      { residue: residue.up },
    );
  }
  return { transactional: !concurrent };
}
