/**
 * Tables no entity maps to any more (an entity or a many-to-many was removed). TypeORM's generator
 * never proposes dropping them; dazzle does, for the lineage whose revisions created the table, as
 * a destructive change that needs acknowledgement, with a `down` that recreates it.
 */
import { INFRASTRUCTURE_TABLES } from '@app/entities-framework';
import type { Lineage } from '@app/metadata-builder';
import { entityTablePath, quoteTable, type RevisionGraph, sourceOf } from '@app/migrator';
import type { DataSource, QueryRunner } from 'typeorm';
import type { RenderedStatement } from '../authoring/render-revision';
import { readBaseTables } from './shadow-tables';

export interface OrphanTable {
  /** `table`, or `schema.table` outside public. */
  table: string;
  lineage: Lineage;
}

/**
 * Orphaned tables and the lineage that created them; tables no revision created are not ours to drop.
 * `baseTables`: the database's ordinary tables when the caller read them already (shadow-tables.ts).
 */
export async function findOrphanTables(
  dataSource: DataSource,
  graph: RevisionGraph,
  baseTables?: readonly string[],
): Promise<OrphanTable[]> {
  const mapped = new Set(dataSource.entityMetadatas.map((m) => entityTablePath(m)));
  const existing = baseTables ?? (await readBaseTables(dataSource));
  const candidates = existing.filter((t) => !mapped.has(t) && !INFRASTRUCTURE_TABLES.includes(t));
  if (candidates.length === 0) return [];
  const revisions = graph.all().map((r) => ({ lineage: r.lineage, text: sourceOf(r) }));
  return candidates.flatMap((table) => {
    const creates = `CREATE TABLE ${quoteTable(table)}`;
    const creator = revisions.find((r) => r.text.includes(creates));
    return creator ? [{ table, lineage: creator.lineage }] : [];
  });
}

export function dropStatementOf(orphan: OrphanTable): string {
  return `DROP TABLE ${quoteTable(orphan.table)}`;
}

/**
 * Drops orphaned tables on the shadow through TypeORM's own dropTable (with their indexes and
 * foreign keys), capturing the statements; the captured `down` recreates each table.
 */
export async function dropOrphanTables(
  runner: QueryRunner,
  orphans: readonly OrphanTable[],
): Promise<{ up: RenderedStatement[]; down: RenderedStatement[] }> {
  const up: RenderedStatement[] = [];
  const down: RenderedStatement[] = [];
  for (const orphan of orphans) {
    const table = await runner.getTable(orphan.table);
    if (!table) continue;
    runner.enableSqlMemory();
    try {
      await runner.dropTable(table, true, true, true);
      const memory = runner.getMemorySql();
      up.push(
        ...memory.upQueries.map((q, i) => ({
          sql: q.query,
          note: i === 0 ? `no entity maps to ${orphan.table} any more` : undefined,
        })),
      );
      down.unshift(...[...memory.downQueries].reverse().map((q) => ({ sql: q.query })));
    } finally {
      runner.disableSqlMemory();
    }
  }
  for (const statement of up) await runner.query(statement.sql);
  return { up, down };
}
