/**
 * TypeORM's own generator (`driver.createSchemaBuilder().log()`): the statements that would make
 * the database match the entity metadata, with parameters inlined and `down` in reverse order.
 * create-all runs what it creates; autogeneration (in @app/autogenerate) builds revisions from it.
 */
import type { DataSource } from 'typeorm';
import { inlineParameters } from './quote';
import { entityTablePath } from './table-path';

export interface SchemaDiff {
  readonly up: readonly string[];
  readonly down: readonly string[];
}

export interface DiffScope {
  /** Compare only the entities mapped to these tables (`table`, or `schema.table` outside public). */
  only?: ReadonlySet<string>;
}

/**
 * TypeORM records generated-column expressions in `typeorm_metadata` under the current database's
 * name. Generated against a shadow database, that name would be baked into the revision; say
 * `current_database()` instead so the statement means the same on every database it runs on.
 */
function portable(sql: string, database: string): string {
  return sql.includes('"typeorm_metadata"') ? sql.split(`'${database}'`).join('current_database()') : sql;
}

export async function diffSchema(dataSource: DataSource, scope: DiffScope = {}): Promise<SchemaDiff> {
  const { only } = scope;
  if (only?.size === 0) return { up: [], down: [] };
  // TypeORM's builder compares every entity with `synchronize` set; narrowing is done through it.
  const narrowed = only
    ? dataSource.entityMetadatas.filter((m) => m.synchronize && !only.has(entityTablePath(m)))
    : [];
  for (const m of narrowed) m.synchronize = false;
  try {
    const log = await dataSource.driver.createSchemaBuilder().log();
    const [{ name }] = (await dataSource.query('SELECT current_database() AS name')) as [{ name: string }];
    const text = (q: { query: string; parameters?: unknown[] }) =>
      portable(inlineParameters(q.query, q.parameters ?? []).trim(), name!);
    return { up: log.upQueries.map(text), down: [...log.downQueries].reverse().map(text) };
  } finally {
    for (const m of narrowed) m.synchronize = true;
  }
}
