/**
 * How requests are checked before a route runs. Bodies are JSON and validated strictly: no type
 * coercion, no silently dropped properties. Query strings, path parameters and headers are text,
 * so their validator converts `?limit=10` or `?paid=true` to the type the schema declares, and a
 * value that does not convert (`?id=abc` for an integer) is a 400 naming the field, never a
 * PostgreSQL cast error. Dates must be ones PostgreSQL can store (no year 0000).
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import type { FastifySchemaCompiler } from 'fastify';

/** How the body validator applies schemas (exported for the unit tests that use Fastify directly). */
export const REQUEST_VALIDATION_OPTIONS = Object.freeze({
  removeAdditional: false,
  coerceTypes: false,
  allowUnionTypes: true,
  allErrors: false,
  strict: false,
} as const);

/** PostgreSQL has no year 0: `0000-01-01` would pass RFC 3339 and fail as a cast in the database. */
function withoutYearZero(check: (value: string) => boolean): (value: string) => boolean {
  return (value) => !value.startsWith('0000') && check(value);
}

function formatCheck(name: 'date' | 'date-time'): (value: string) => boolean {
  const format = fullFormats[name] as { validate: (value: string) => boolean };
  return format.validate;
}

function createAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ ...REQUEST_VALIDATION_OPTIONS, coerceTypes, useDefaults: false });
  addFormats(ajv);
  ajv.addFormat('date', { type: 'string', validate: withoutYearZero(formatCheck('date')) });
  ajv.addFormat('date-time', { type: 'string', validate: withoutYearZero(formatCheck('date-time')) });
  return ajv;
}

/**
 * A Fastify validator compiler: the strict validator for bodies, the converting one for the parts
 * of a request that arrive as text.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = createAjv(false);
  const converting = createAjv(true);
  return ({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : converting).compile(schema as object) as ValidateFunction;
}
