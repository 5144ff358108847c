/** What every route module is given: the data source, metadata, stores and settings of one running app. */
import type { VirtualStores } from '@app/entities-framework';
import type { BuiltMetadata } from '@app/metadata-builder';
import type { Migrator } from '@app/migrator';
import type { DataSource, EntityMetadata } from 'typeorm';

export interface RouteContext {
  dataSource: DataSource;
  metadata: BuiltMetadata;
  migrator: Migrator;
  stores: VirtualStores;
  adminToken: string | undefined;
  isReady: () => boolean;
}

/** Persisted entities that get CRUD routes (join tables are reached through their owners). */
export function servedEntities(dataSource: DataSource): EntityMetadata[] {
  return dataSource.entityMetadatas
    .filter((m) => m.tableType !== 'junction')
    .sort((a, b) => a.tableName.localeCompare(b.tableName));
}

/** `/api/<table>`, with `schema__table` outside the public schema. */
export function basePath(entity: EntityMetadata): string {
  return `/api/${entity.schema && entity.schema !== 'public' ? `${entity.schema}__` : ''}${entity.tableName}`;
}
