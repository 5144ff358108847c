/** @app/metadata-builder: one list of persisted entities, with lineage ownership and virtual entities split off. */
export {
  type BuildMetadataOptions,
  type BuiltMetadata,
  buildMetadata,
  type Lineage,
  type TableOwner,
  type VirtualEntityInfo,
} from './build-metadata';
export type { EntityClass } from './entity-facts';
export { METADATA_ERROR_CODES, MetadataError, type MetadataErrorCode } from './metadata-errors';
export { preparePostgresMetadata } from './prepare-postgres-metadata';
