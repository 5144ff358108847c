/**
 * JSON schemas for an entity, derived from its TypeORM column metadata: Fastify validates request
 * bodies with them (400 with the field and the reason) and the OpenAPI document reuses them.
 */
import type { EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { isForeignKey } from './row-shape';

export interface JsonSchema {
  type?: string | string[];
  format?: string;
  maxLength?: number;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  description?: string;
}

export { REQUEST_VALIDATION_OPTIONS } from './request-validation';
export { isForeignKey, toEntityInput, toResponse } from './row-shape';

/** String types that take a length (`string` is TypeORM's design type for an undecorated string). */
const LENGTH_TYPES = new Set(['character varying', 'varchar', 'character', 'char', 'string']);

function scalarSchema(column: ColumnMetadata): JsonSchema {
  const type = typeof column.type === 'function' ? column.type.name.toLowerCase() : String(column.type);
  if (column.enum) return { type: 'string', enum: column.enum.map(String) };
  if (type === 'uuid') return { type: 'string', format: 'uuid' };
  if (LENGTH_TYPES.has(type)) {
    const length = Number(column.length);
    return length > 0 ? { type: 'string', maxLength: length } : { type: 'string' };
  }
  if (type === 'integer' || type === 'int' || type === 'int4' || type === 'number')
    return { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
  if (type === 'smallint') return { type: 'integer', minimum: -32768, maximum: 32767 };
  // bigint and numeric arrive as strings from PostgreSQL, so exact values survive JSON.
  if (type === 'bigint' || type === 'numeric' || type === 'decimal')
    return { type: ['string', 'number'], pattern: '^-?[0-9]+(\\.[0-9]+)?$' };
  if (type === 'double precision' || type === 'real' || type === 'float') return { type: 'number' };
  if (type === 'boolean' || type === 'bool') return { type: 'boolean' };
  if (type === 'date') return { type: 'string', format: 'date' };
  if (type.startsWith('timestamp') || type === 'datetime') return { type: 'string', format: 'date-time' };
  if (type === 'jsonb' || type === 'json') return {};
  // text, citext, inet, cidr, interval, time, bytea, …: text on the wire, any length.
  return { type: 'string' };
}

export function columnSchema(column: ColumnMetadata): JsonSchema {
  const base = column.isArray ? { type: 'array', items: scalarSchema(column) } : scalarSchema(column);
  if (!column.isNullable || base.type === undefined) return base;
  return { ...base, type: [...(Array.isArray(base.type) ? base.type : [base.type]), 'null'] };
}

/** Columns a client may write: not generated, not managed dates, not the version counter. */
export function writableColumns(entity: EntityMetadata): ColumnMetadata[] {
  return entity.columns.filter(
    (c) =>
      !c.isGenerated &&
      !c.isCreateDate &&
      !c.isUpdateDate &&
      !c.isDeleteDate &&
      !c.isVersion &&
      !c.generatedType &&
      (!c.relationMetadata || isForeignKey(c)),
  );
}

/** The body schema for create (required = NOT NULL without a default) or update (all optional). */
export function bodySchema(entity: EntityMetadata, mode: 'create' | 'update'): JsonSchema {
  // `insert: false` / `update: false` columns (e.g. an old column kept for the release still
  // running, filled by a trigger) are not the client's to write.
  const columns = writableColumns(entity).filter((c) => (mode === 'create' ? c.isInsert : c.isUpdate));
  const properties = Object.fromEntries(columns.map((c) => [c.propertyName, columnSchema(c)]));
  const required =
    mode === 'create'
      ? columns.filter((c) => !c.isNullable && c.default === undefined).map((c) => c.propertyName)
      : [];
  return { type: 'object', properties, required, additionalProperties: false };
}

/**
 * The response schema: every column the entity selects (a `select: false` column never leaves the
 * database), always present (null when empty); a foreign key as the referenced id.
 */
export function rowSchema(entity: EntityMetadata): JsonSchema {
  const columns = entity.columns.filter((c) => c.isSelect);
  return {
    type: 'object',
    properties: Object.fromEntries(columns.map((c) => [c.propertyName, columnSchema(c)])),
    required: columns.map((c) => c.propertyName),
    additionalProperties: false,
  };
}
