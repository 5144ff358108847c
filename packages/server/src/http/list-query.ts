/**
 * The list routes' query string and page envelope, from the entity metadata: `limit` (1 to
 * MAX_PAGE_SIZE, past it a 400), `offset`, `sort` on a known column, and one equality filter per
 * scalar column, typed like the column so `?id=abc` on an integer is a 400 naming `id`.
 */
import type { EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { columnSchema, type JsonSchema, rowSchema } from './entity-schema';

/** The most rows one page returns; documented in docs/reference/server.md. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_OFFSET = 1_000_000_000;

export function filterableColumns(entity: EntityMetadata): ColumnMetadata[] {
  return entity.columns.filter((c) => !c.isArray && !['jsonb', 'json', 'bytea'].includes(String(c.type)));
}

/** A filter value as text: the column's schema without null, with numbers kept exact as strings. */
function filterSchema(column: ColumnMetadata): JsonSchema {
  const schema = columnSchema(column);
  const types = Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null') : schema.type;
  if (Array.isArray(types) && types.includes('string') && types.includes('number'))
    return { ...schema, type: 'string' };
  return { ...schema, type: Array.isArray(types) && types.length === 1 ? types[0] : types };
}

export function listQuerySchema(entity: EntityMetadata): JsonSchema {
  const filterable = filterableColumns(entity);
  const sorts = filterable.flatMap((c) => [c.propertyName, `-${c.propertyName}`]);
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_PAGE_SIZE,
        description: `rows per page, at most ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
      },
      offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, description: 'rows to skip' },
      sort: { type: 'string', enum: sorts, description: 'a column, `-` first for descending' },
      ...Object.fromEntries(filterable.map((c) => [c.propertyName, filterSchema(c)])),
    },
  };
}

/** `{ items, total, limit, offset, nextOffset }`: nextOffset is null on the last page. */
export function pageSchema(entity: EntityMetadata): JsonSchema {
  return {
    type: 'object',
    required: ['items', 'total', 'limit', 'offset', 'nextOffset'],
    properties: {
      items: { type: 'array', items: rowSchema(entity) },
      total: { type: 'integer' },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
      nextOffset: { type: ['integer', 'null'] },
    },
  };
}

export interface PageRequest {
  limit: number;
  offset: number;
  sort?: string;
  filters: Record<string, unknown>;
}
