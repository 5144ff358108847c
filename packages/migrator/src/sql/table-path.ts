/**
 * How dazzle names a table in messages, lineage maps and catalogs: `table` in the public schema,
 * `schema.table` elsewhere. One spelling everywhere, so lookups between them never miss.
 */
import type { EntityMetadata } from 'typeorm';

export function tablePath(schema: string | undefined, table: string): string {
  return schema && schema !== 'public' ? `${schema}.${table}` : table;
}

export function entityTablePath(metadata: EntityMetadata): string {
  return tablePath(metadata.schema, metadata.tableName);
}

/** `public.x` → `x`; other paths unchanged. */
export function withoutPublic(path: string): string {
  return path.startsWith('public.') ? path.slice('public.'.length) : path;
}
