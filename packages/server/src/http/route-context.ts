/** What every route module is given: the data source, metadata, stores and settings of one running app. */
import type { VirtualStores } from '@app/entities-framework';
import type { BuiltMetadata } from '@app/metadata-builder';
import type { Migrator } from '@app/migrator';
import type { DataSource, EntityMetadata } from 'typeorm';
import type { Readiness } from './readiness';

export interface RouteContext {
  dataSource: DataSource;
  metadata: BuiltMetadata;
  migrator: Migrator;
  stores: VirtualStores;
  adminToken: string | undefined;
  readiness: Readiness;
  /** The app entities served on the public CRUD API (see public-api.ts). */
  publicEntities: EntityMetadata[];
}

/** `/api/<table>`, with `schema__table` outside the public schema. */
export function basePath(entity: EntityMetadata): string {
  return `/api/${entity.schema && entity.schema !== 'public' ? `${entity.schema}__` : ''}${entity.tableName}`;
}
