/**
 * Which lineage a statement belongs to, through the tables, enum types and indexes it touches:
 * entity tables from the metadata builder, join tables through the entity that owns them, enum
 * types through their column, indexes through the shadow database's catalog.
 */
import type { BuiltMetadata, Lineage } from '@app/metadata-builder';
import { entityTablePath, type StatementFacts, withoutPublic } from '@app/migrator';
import type { DataSource } from 'typeorm';

export interface TableLineage {
  lineageOfTable(table: string): Lineage | undefined;
  lineagesOf(facts: StatementFacts): Set<Lineage>;
  /** Tables a statement touches, resolving indexes and enum types to their tables. */
  tablesOf(facts: StatementFacts): string[];
  entityOf(table: string): string | undefined;
}

export async function buildTableLineage(
  metadata: BuiltMetadata,
  dataSource: DataSource,
): Promise<TableLineage> {
  const lineage = new Map<string, Lineage>();
  const entities = new Map<string, string>();
  for (const owner of metadata.owners) {
    lineage.set(owner.table, owner.lineage);
    entities.set(owner.table, owner.entity);
  }
  const typeTable = new Map<string, string>();
  for (const m of dataSource.entityMetadatas) {
    const path = entityTablePath(m);
    if (m.tableType === 'junction') {
      const ownerPath = m.foreignKeys[0]
        ? entityTablePath(m.foreignKeys[0].referencedEntityMetadata)
        : undefined;
      const ownerLineage = ownerPath ? lineage.get(ownerPath) : undefined;
      if (ownerLineage) lineage.set(path, ownerLineage);
      entities.set(path, m.name);
    }
    for (const column of m.columns) {
      if (column.type !== 'enum' && column.type !== 'simple-enum') continue;
      const name = column.enumName ?? `${m.tableName}_${column.databaseName.toLowerCase()}_enum`;
      typeTable.set(name, path);
    }
  }
  const indexTable = new Map<string, string>();
  const rows: Array<{ schemaname: string; tablename: string; indexname: string }> = await dataSource.query(
    `SELECT schemaname, tablename, indexname FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
  );
  for (const r of rows)
    indexTable.set(r.indexname, r.schemaname === 'public' ? r.tablename : `${r.schemaname}.${r.tablename}`);
  for (const m of dataSource.entityMetadatas)
    for (const index of m.indices) if (index.name) indexTable.set(index.name, entityTablePath(m));

  const typeToTable = (type: string): string | undefined => {
    const bare = type.includes('.') ? type.slice(type.indexOf('.') + 1) : type;
    return typeTable.get(bare) ?? typeTable.get(bare.replace(/_old$/, ''));
  };
  const tablesOf = (facts: StatementFacts): string[] => [
    ...facts.tables,
    ...facts.indexes.flatMap((i) => indexTable.get(i) ?? []),
    ...facts.types.flatMap((t) => typeToTable(t) ?? []),
  ];
  const lineageOfTable = (table: string) => lineage.get(withoutPublic(table));
  return {
    lineageOfTable,
    tablesOf,
    lineagesOf: (facts) => new Set(tablesOf(facts).flatMap((t) => lineageOfTable(t) ?? [])),
    entityOf: (table) => entities.get(table),
  };
}
