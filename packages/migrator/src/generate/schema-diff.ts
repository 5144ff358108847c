/**
 * TypeORM's own generator (`driver.createSchemaBuilder().log()`): the statements that would make
 * the database match the entity metadata, with parameters inlined and `down` in reverse order.
 */
import type { DataSource } from 'typeorm';
import { inlineParameters } from '../sql/quote';

export interface SchemaDiff {
  readonly up: readonly string[];
  readonly down: readonly string[];
}

export async function diffSchema(dataSource: DataSource): Promise<SchemaDiff> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  const text = (q: { query: string; parameters?: unknown[] }) => inlineParameters(q.query, q.parameters ?? []).trim();
  return { up: log.upQueries.map(text), down: [...log.downQueries].reverse().map(text) };
}
