/**
 * Views no view entity maps to any more. TypeORM's generator only compares the views its entities
 * name, so removing a `@ViewEntity` would leave the view (and its typeorm_metadata row) in place
 * forever. A view that a revision of this lineage created is dropped here, on the shadow, through
 * TypeORM's own dropView, whose captured down creates it again with its expression. Dropping a view
 * loses no rows, so it needs no acknowledgement.
 */
import type { Lineage } from '@app/metadata-builder';
import {
  entityTablePath,
  inlineParameters,
  quoteTable,
  type RevisionGraph,
  sourceOf,
  tablePath,
} from '@app/migrator';
import type { DataSource, QueryRunner } from 'typeorm';
import type { StepResult } from './pre-steps';

/**
 * Drops the lineage's views that no entity declares any more, recording the statements in `steps`.
 *
 * @example
 * await dropOrphanViews(runner, dataSource, graph, 'app', steps) // DELETE FROM "typeorm_metadata" …; DROP VIEW "sale_total"
 */
export async function dropOrphanViews(
  runner: QueryRunner,
  dataSource: DataSource,
  graph: RevisionGraph,
  lineage: Lineage,
  steps: StepResult,
): Promise<void> {
  const declared = new Set(
    dataSource.entityMetadatas.filter((m) => m.tableType === 'view').map((m) => entityTablePath(m)),
  );
  const views = (await runner.getViews([])).filter(
    (v) => !declared.has(tablePath(v.schema ?? 'public', v.name.split('.').pop()!)),
  );
  if (views.length === 0) return;
  const revisions = graph
    .all()
    .filter((r) => r.lineage === lineage)
    .map(sourceOf);
  for (const view of views) {
    const name = tablePath(view.schema ?? 'public', view.name.split('.').pop()!);
    if (!revisions.some((text) => text.includes(`CREATE VIEW ${quoteTable(name)}`))) continue;
    runner.enableSqlMemory();
    let memory: ReturnType<QueryRunner['getMemorySql']>;
    try {
      await runner.dropView(view);
      memory = runner.getMemorySql();
    } finally {
      runner.disableSqlMemory();
    }
    const text = (q: { query: string; parameters?: unknown[] }) =>
      inlineParameters(q.query, q.parameters ?? []);
    for (const q of memory.upQueries) await runner.query(text(q));
    steps.up.push(
      ...memory.upQueries.map((q, i) => ({
        sql: text(q),
        note: i === 0 ? `no view entity maps to ${name} any more` : undefined,
      })),
    );
    steps.down.unshift(...[...memory.downQueries].reverse().map((q) => ({ sql: text(q) })));
    steps.notes.push(`Drops the view ${name}.`);
  }
}
