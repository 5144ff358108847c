/**
 * `check`: do the committed revisions produce today's entities? Replays every revision into a
 * shadow database and returns whatever TypeORM would still change, per lineage. Empty means the
 * history and the entities agree.
 */
import type { BuiltMetadata, Lineage } from '@app/metadata-builder';
import {
  adviseIndexDeclarations,
  describeStatement,
  entityTablePath,
  loadSqlParser,
  type MigrationSource,
  readRevisionGraph,
} from '@app/migrator';
import { shadowServerOf } from '../shadow/shadow-server';
import { withShadowSession } from '../shadow/shadow-session';
import { dropStatementOf, findOrphanTables } from './orphan-tables';
import { diffSchema } from './schema-diff';
import { withShortRunTiering } from './short-run-tiering';
import { buildTableLineage } from './table-lineage';

export interface MissingStatement {
  /** The lineage that needs a revision; undefined when no entity owns the table. */
  lineage: Lineage | undefined;
  table: string | undefined;
  entity: string | undefined;
  sql: string;
  /** For a DROP INDEX of an index a revision built: the `@Index(…)` the entity must declare instead. */
  declare?: string;
}

export function findSchemaDrift(options: {
  serverUrl: string;
  /** Where the shadow database is made instead (`database.shadowUrl`). */
  shadowServerUrl?: string;
  sources: readonly MigrationSource[];
  metadata: BuiltMetadata;
  /** Replay into a throwaway shadow database instead of the kept one (dazzle_cache_…). */
  freshShadow?: boolean;
}): Promise<MissingStatement[]> {
  return withShortRunTiering(() => driftOf(options));
}

async function driftOf(options: Parameters<typeof findSchemaDrift>[0]): Promise<MissingStatement[]> {
  const graph = readRevisionGraph(options.sources);
  const session = {
    ...options,
    serverUrl: shadowServerOf(options.serverUrl, options.shadowServerUrl),
    entities: options.metadata.entities,
    throwaway: options.freshShadow,
    graph,
  };
  return withShadowSession(session, async (dataSource) => {
    await loadSqlParser();
    const tables = await buildTableLineage(options.metadata, dataSource);
    const diff = await diffSchema(dataSource);
    const orphans = (await findOrphanTables(dataSource, graph)).map((o) => ({
      lineage: o.lineage,
      table: o.table,
      entity: undefined,
      sql: dropStatementOf(o),
    }));
    const changes = diff.up.map((sql) => {
      const facts = describeStatement(sql);
      const table = tables.tablesOf(facts)[0];
      return {
        lineage: [...tables.lineagesOf(facts)][0],
        table,
        entity: table ? tables.entityOf(table) : undefined,
        sql,
      };
    });
    const propertyOf = (table: string, column: string) =>
      dataSource.entityMetadatas
        .find((m) => entityTablePath(m) === table)
        ?.columns.find((c) => c.databaseName === column)?.propertyName ?? column;
    return [...(await adviseIndexDeclarations(dataSource, changes, propertyOf)), ...orphans];
  });
}
