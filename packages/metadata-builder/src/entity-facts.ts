/**
 * Reads what the metadata builder needs to know about an entity class from TypeORM's decorator
 * storage, without a connection: its table, its primary columns and the classes it relates to.
 */
import { DefaultNamingStrategy, getMetadataArgsStorage } from 'typeorm';

export type EntityClass = abstract new (...args: never[]) => unknown;

export interface EntityFacts {
  entity: EntityClass;
  name: string;
  table: string;
  schema: string | undefined;
  hasPrimaryColumn: boolean;
  /** A `@ViewEntity`: a view built from its expression, so it has no primary column to require. */
  isView: boolean;
  /** Classes this entity has a relation to (resolved lazily, as TypeORM does). */
  relatedEntities: Array<{ property: string; target: EntityClass | string }>;
}

const naming = new DefaultNamingStrategy();

export function isDecoratedEntity(entity: EntityClass): boolean {
  return getMetadataArgsStorage().tables.some((t) => t.target === entity);
}

export function readEntityFacts(entity: EntityClass): EntityFacts {
  const storage = getMetadataArgsStorage();
  const table = storage.tables.find((t) => t.target === entity);
  const columns = storage.filterColumns(entity);
  const relations = storage.filterRelations(entity);
  return {
    entity,
    name: entity.name,
    table: naming.tableName(entity.name, table?.name),
    schema: table?.schema,
    hasPrimaryColumn: columns.some((c) => c.options.primary === true),
    isView: table?.type === 'view',
    relatedEntities: relations.map((r) => ({
      property: r.propertyName,
      target: resolveRelationTarget(r.type),
    })),
  };
}

function resolveRelationTarget(type: unknown): EntityClass | string {
  if (typeof type === 'string') return type;
  if (typeof type === 'function') {
    // `() => Invoice` thunks have no prototype; a class passed directly does.
    const resolved = (type as { prototype?: unknown }).prototype ? type : (type as () => unknown)();
    return resolved as EntityClass;
  }
  return String(type);
}

/** Schema-qualified name used to compare tables: `schema.table` or `table` for the default schema. */
export function qualifiedTable(facts: Pick<EntityFacts, 'table' | 'schema'>): string {
  return facts.schema && facts.schema !== 'public' ? `${facts.schema}.${facts.table}` : facts.table;
}
