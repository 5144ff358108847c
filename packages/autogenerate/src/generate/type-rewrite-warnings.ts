/**
 * A column type change that rewrites the table (integer → bigint, text → integer, …) holds ACCESS
 * EXCLUSIVE for the whole rewrite: every read and write of the table waits. No statement order
 * avoids that, so generation does not rewrite it; it flags it, naming the expand/contract sequence
 * that does avoid it. Pure: statements in, one warning line per rewriting change out.
 */
import { describeStatement } from '@app/migrator';
import type { RenderedStatement } from '../authoring/render-revision';

/** Target types PostgreSQL can reach without a rewrite from the types TypeORM changes them from. */
const NO_REWRITE_TARGETS = new Set([
  'text',
  'varchar',
  'pg_catalog.varchar',
  'pg_catalog.numeric',
  'numeric',
]);

/** Whether changing a column to this type (as the parser names it) makes PostgreSQL rewrite the table. */
export function isTableRewritingType(newType: string | undefined): boolean {
  return newType !== undefined && !NO_REWRITE_TARGETS.has(newType);
}

/** The parser's names for the types people write, for the warning. */
const SPOKEN: Record<string, string> = {
  'pg_catalog.int2': 'smallint',
  'pg_catalog.int4': 'integer',
  'pg_catalog.int8': 'bigint',
  'pg_catalog.float4': 'real',
  'pg_catalog.float8': 'double precision',
  'pg_catalog.bool': 'boolean',
  'pg_catalog.timestamptz': 'timestamptz',
  'pg_catalog.timestamp': 'timestamp',
  'pg_catalog.bpchar': 'character',
};

/**
 * One warning line per type change on a table that existed before the revision and that makes
 * PostgreSQL rewrite it.
 *
 * @example
 * typeRewriteWarnings([{ sql: 'ALTER TABLE "bill" ALTER COLUMN "total" TYPE bigint USING "total"::bigint' }], new Set(['bill']));
 * // ['Warning: bill.total becomes bigint, which rewrites bill under ACCESS EXCLUSIVE …']
 */
export function typeRewriteWarnings(
  statements: readonly RenderedStatement[],
  existingTables: ReadonlySet<string>,
): string[] {
  const warnings: string[] = [];
  for (const statement of statements) {
    const facts = describeStatement(statement.sql);
    const table = facts.tables[0];
    if (facts.kind !== 'AlterTableStmt' || !table || !existingTables.has(table)) continue;
    for (const action of facts.actions) {
      if (action.subtype !== 'AT_AlterColumnType' || !action.newType || !action.column) continue;
      if (!isTableRewritingType(action.newType)) continue;
      const type = SPOKEN[action.newType] ?? action.newType.replace(/^pg_catalog\./, '');
      warnings.push(
        `Warning: ${table}.${action.column} becomes ${type}, which rewrites ${table} under ACCESS EXCLUSIVE (every read and write waits until it ends); on a busy table use expand/contract instead: add a new ${type} column, backfill it with batchUpdate in a transactional: false revision, switch the code to it, drop ${action.column} in a later revision; \`dazzle db revision --expand\` writes that pair.`,
      );
    }
  }
  return warnings;
}
