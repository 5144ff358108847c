/**
 * Assembles framework and app entities into the list a TypeORM DataSource is built from.
 * Virtual-store entities are split off here, before any DataSource exists, so TypeORM's schema
 * builder and migration generator can never see (and so never create) a table for them.
 */
import {
  frameworkEntities,
  INFRASTRUCTURE_TABLES,
  type VirtualStoreName,
  virtualStoreOf,
} from '@app/entities-framework';
import {
  type EntityClass,
  type EntityFacts,
  isDecoratedEntity,
  qualifiedTable,
  readEntityFacts,
} from './entity-facts';
import { MetadataError } from './metadata-errors';

export type Lineage = 'framework' | 'app';

export interface BuildMetadataOptions {
  /** The app's entity classes. */
  entities?: readonly EntityClass[];
  framework?: {
    /** Include the framework's persisted entities (FeedbackReport, AIJob, …). Default true. */
    enabled?: boolean;
  };
}

export interface TableOwner {
  /** `table`, or `schema.table` outside the public schema. */
  readonly table: string;
  readonly entity: string;
  readonly lineage: Lineage;
  /** `view` for a `@ViewEntity`, whose "table" is a view created from its expression. */
  readonly kind: 'table' | 'view';
}

export interface VirtualEntityInfo {
  readonly entity: EntityClass;
  readonly name: string;
  readonly table: string;
  readonly store: VirtualStoreName;
  readonly lineage: Lineage;
}

export interface BuiltMetadata {
  /** Persisted entities, framework first, each group ordered by table name. Pass to a DataSource. */
  readonly entities: readonly EntityClass[];
  /** Which lineage owns each persisted table. */
  readonly owners: readonly TableOwner[];
  /** Entities backed by in-process stores, for the server. */
  readonly virtualEntities: readonly VirtualEntityInfo[];
  /** Tables the framework manages outside entities (`_dazzle_params`, the ledger). */
  readonly infrastructureTables: readonly string[];
  /** The lineage owning a table, given as `table` or `schema.table`; undefined when no entity maps to it. */
  lineageOfTable(table: string): Lineage | undefined;
}

/**
 * Builds the metadata for one app.
 *
 * @example
 * const metadata = buildMetadata({ entities: [Invoice, Supplier] });
 * const dataSource = new DataSource({ type: 'postgres', url, entities: [...metadata.entities] });
 */
export function buildMetadata(options: BuildMetadataOptions = {}): BuiltMetadata {
  const framework = options.framework?.enabled === false ? [] : factsOf(frameworkEntities);
  const app = factsOf(options.entities ?? []);

  const persisted: Array<{ facts: EntityFacts; lineage: Lineage }> = [];
  const virtual: VirtualEntityInfo[] = [];
  for (const [lineage, group] of [
    ['framework', framework],
    ['app', app],
  ] as const) {
    for (const facts of sortByTable(group)) {
      const store = virtualStoreOf(facts.entity);
      if (store)
        virtual.push(
          Object.freeze({ entity: facts.entity, name: facts.name, table: facts.table, store, lineage }),
        );
      else persisted.push({ facts, lineage });
    }
  }

  assertPrimaryColumns(persisted.map((p) => p.facts));
  assertNoRelationToVirtual(persisted.map((p) => p.facts));
  const owners = assertUniqueTables(persisted);

  const byTable = new Map(owners.map((o) => [o.table, o.lineage]));
  return Object.freeze({
    entities: Object.freeze(persisted.map((p) => p.facts.entity)),
    owners: Object.freeze(owners),
    virtualEntities: Object.freeze(virtual),
    infrastructureTables: INFRASTRUCTURE_TABLES,
    lineageOfTable: (table: string) => byTable.get(table.startsWith('public.') ? table.slice(7) : table),
  });
}

function factsOf(entities: readonly EntityClass[]): EntityFacts[] {
  const seen = new Set<EntityClass>();
  const facts: EntityFacts[] = [];
  for (const entity of entities) {
    if (seen.has(entity)) continue;
    seen.add(entity);
    if (typeof entity !== 'function' || !isDecoratedEntity(entity)) {
      const name = typeof entity === 'function' ? entity.name : String(entity);
      throw new MetadataError(
        'METADATA_NOT_AN_ENTITY',
        `${name} is not an entity: add @Entity() to the class or remove it from the entities list.`,
        { entity: name },
      );
    }
    facts.push(readEntityFacts(entity));
  }
  return facts;
}

function sortByTable(facts: EntityFacts[]): EntityFacts[] {
  return [...facts].sort(
    (a, b) => qualifiedTable(a).localeCompare(qualifiedTable(b)) || a.name.localeCompare(b.name),
  );
}

function assertPrimaryColumns(facts: EntityFacts[]): void {
  const missing = facts.filter((f) => !f.hasPrimaryColumn && !f.isView).map((f) => f.name);
  if (missing.length > 0) {
    throw new MetadataError(
      'METADATA_NO_PRIMARY_COLUMN',
      `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no primary column: add @PrimaryColumn() or @PrimaryGeneratedColumn().`,
      { entities: missing },
    );
  }
}

function assertNoRelationToVirtual(facts: EntityFacts[]): void {
  for (const f of facts) {
    for (const relation of f.relatedEntities) {
      if (typeof relation.target === 'function' && virtualStoreOf(relation.target)) {
        throw new MetadataError(
          'METADATA_RELATION_TO_VIRTUAL',
          `${f.name}.${relation.property} relates to ${relation.target.name}, a virtual entity with no table: store its id in a plain column instead.`,
          { entity: f.name, property: relation.property, target: relation.target.name },
        );
      }
    }
  }
}

function assertUniqueTables(persisted: Array<{ facts: EntityFacts; lineage: Lineage }>): TableOwner[] {
  const owners: TableOwner[] = [];
  const byTable = new Map<string, TableOwner>();
  for (const { facts, lineage } of persisted) {
    const table = qualifiedTable(facts);
    if (INFRASTRUCTURE_TABLES.includes(table)) {
      throw new MetadataError(
        'METADATA_TABLE_COLLISION',
        `${facts.name} uses table "${table}", which the framework reserves for its own infrastructure: give the entity another table name.`,
        { entity: facts.name, table },
      );
    }
    const existing = byTable.get(table);
    if (existing) {
      const code = existing.lineage !== lineage ? 'METADATA_TABLE_COLLISION' : 'METADATA_DUPLICATE_TABLE';
      const what = existing.lineage !== lineage ? `the framework entity ${existing.entity}` : existing.entity;
      throw new MetadataError(
        code,
        `${facts.name} and ${what} both use table "${table}": rename one with @Entity('another_name').`,
        { entities: [existing.entity, facts.name], table },
      );
    }
    const owner = Object.freeze({
      table,
      entity: facts.name,
      lineage,
      kind: facts.isView ? 'view' : 'table',
    } as const);
    byTable.set(table, owner);
    owners.push(owner);
  }
  return owners;
}
