import Fastify, { type FastifyInstance } from 'fastify';
import type { EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  bodySchema,
  columnSchema,
  isForeignKey,
  REQUEST_VALIDATION_OPTIONS,
  rowSchema,
  toEntityInput,
  writableColumns,
} from '../../src/http/entity-schema';
import { invoiceMetadata } from './invoice-entities';

let invoice: EntityMetadata;
let supplier: EntityMetadata;

beforeAll(async () => {
  ({ invoice, supplier } = await invoiceMetadata());
});

/**
 * The same validation the server applies: Fastify's Ajv with the server's options, no database.
 * Built inside each test (not in beforeAll), so the schemas are derived by the code under test.
 */
async function validatingApp(): Promise<FastifyInstance> {
  const app = Fastify({ ajv: { customOptions: { ...REQUEST_VALIDATION_OPTIONS } } });
  app.post('/invoices', { schema: { body: bodySchema(invoice, 'create') } }, async () => ({ ok: true }));
  app.patch('/invoices', { schema: { body: bodySchema(invoice, 'update') } }, async () => ({ ok: true }));
  await app.ready();
  onTestFinished(() => app.close());
  return app;
}

const SUPPLIER_ID = '0b9d6a38-4a5e-4c1f-9f43-1e2f3a4b5c6d';
const VALID = { number: 'INV-1', total: '12.50', quantity: 3 };

async function send(method: 'POST' | 'PATCH', body: unknown): Promise<{ status: number; message?: string }> {
  const app = await validatingApp();
  const response = await app.inject({ method, url: '/invoices', payload: body as object });
  return { status: response.statusCode, message: response.json<{ message?: string }>().message };
}
const create = (fields: Record<string, unknown>) => send('POST', { ...VALID, ...fields });

/** A column as columnSchema reads it, for types a decorated entity cannot declare on PostgreSQL. */
function column(fields: Partial<ColumnMetadata>): ColumnMetadata {
  return { isNullable: false, isArray: false, ...fields } as ColumnMetadata;
}

describe('columnSchema', () => {
  it.each([
    ['uuid', { type: 'string', format: 'uuid' }],
    ['character varying', { type: 'string' }],
    ['varchar', { type: 'string' }],
    ['text', { type: 'string' }],
    ['character', { type: 'string' }],
    ['char', { type: 'string' }],
    ['citext', { type: 'string' }],
    ['inet', { type: 'string' }],
    ['cidr', { type: 'string' }],
    ['interval', { type: 'string' }],
    ['time', { type: 'string' }],
    ['integer', { type: 'integer', minimum: -2147483648, maximum: 2147483647 }],
    ['int', { type: 'integer', minimum: -2147483648, maximum: 2147483647 }],
    ['int4', { type: 'integer', minimum: -2147483648, maximum: 2147483647 }],
    ['smallint', { type: 'integer', minimum: -32768, maximum: 32767 }],
    ['bigint', { type: ['string', 'number'], pattern: '^-?[0-9]+(\\.[0-9]+)?$' }],
    ['numeric', { type: ['string', 'number'], pattern: '^-?[0-9]+(\\.[0-9]+)?$' }],
    ['decimal', { type: ['string', 'number'], pattern: '^-?[0-9]+(\\.[0-9]+)?$' }],
    ['double precision', { type: 'number' }],
    ['real', { type: 'number' }],
    ['float', { type: 'number' }],
    ['boolean', { type: 'boolean' }],
    ['bool', { type: 'boolean' }],
    ['date', { type: 'string', format: 'date' }],
    ['timestamp', { type: 'string', format: 'date-time' }],
    ['timestamp with time zone', { type: 'string', format: 'date-time' }],
    ['datetime', { type: 'string', format: 'date-time' }],
    ['jsonb', {}],
    ['json', {}],
    ['bytea', { type: 'string' }],
  ])('maps %s to %o', (type, schema) => {
    expect(columnSchema(column({ type: type as ColumnMetadata['type'] }))).toEqual(schema);
  });

  it('reads a design type (String, Number, Boolean) by its name', () => {
    expect(columnSchema(column({ type: String }))).toEqual({ type: 'string' });
    expect(columnSchema(column({ type: Number }))).toEqual({
      type: 'integer',
      minimum: -2147483648,
      maximum: 2147483647,
    });
    expect(columnSchema(column({ type: Boolean }))).toEqual({ type: 'boolean' });
  });

  it('limits a string column to its length, when it has a positive one', () => {
    expect(columnSchema(column({ type: 'character varying', length: '20' }))).toEqual({
      type: 'string',
      maxLength: 20,
    });
    expect(columnSchema(column({ type: 'string', length: '8' }))).toEqual({ type: 'string', maxLength: 8 });
    expect(columnSchema(column({ type: 'character varying', length: '' }))).toEqual({ type: 'string' });
    expect(columnSchema(column({ type: 'character', length: '3' }))).toEqual({
      type: 'string',
      maxLength: 3,
    });
    expect(columnSchema(column({ type: 'char', length: '2' }))).toEqual({ type: 'string', maxLength: 2 });
    expect(columnSchema(column({ type: 'varchar', length: '9' }))).toEqual({ type: 'string', maxLength: 9 });
  });

  it('lists the values of an enum column as strings', () => {
    expect(columnSchema(column({ type: 'enum', enum: ['open', 2] }))).toEqual({
      type: 'string',
      enum: ['open', '2'],
    });
  });

  it('wraps an array column and lets a nullable column be null', () => {
    expect(columnSchema(column({ type: 'text', isArray: true }))).toEqual({
      type: 'array',
      items: { type: 'string' },
    });
    expect(columnSchema(column({ type: 'integer', isNullable: true }))).toMatchObject({
      type: ['integer', 'null'],
    });
    expect(columnSchema(column({ type: 'numeric', isNullable: true }))).toMatchObject({
      type: ['string', 'number', 'null'],
    });
    expect(columnSchema(column({ type: 'text', isArray: true, isNullable: true }))).toEqual({
      type: ['array', 'null'],
      items: { type: 'string' },
    });
    expect(columnSchema(column({ type: 'jsonb', isNullable: true }))).toEqual({});
  });
});

describe('writableColumns', () => {
  it('leaves out generated, managed-date, version and non-owning relation columns', () => {
    expect(writableColumns(invoice).map((c) => c.propertyName)).toEqual([
      'number',
      'note',
      'status',
      'total',
      'quantity',
      'priority',
      'sequence',
      'ratio',
      'paid',
      'due',
      'issuedAt',
      'tags',
      'meta',
      'supplier',
    ]);
    expect(writableColumns(supplier).map((c) => c.propertyName)).toEqual(['name', 'code', 'legacyName']);
  });
});

describe('isForeignKey', () => {
  it('is true for the column of an owning many-to-one, false for a plain column', () => {
    const byName = (name: string) => invoice.columns.find((c) => c.propertyName === name)!;
    expect(isForeignKey(byName('supplier'))).toBe(true);
    expect(isForeignKey(byName('number'))).toBe(false);
    expect(isForeignKey(byName('id'))).toBe(false);
  });
});

describe('bodySchema', () => {
  it('requires on create the NOT NULL columns without a default, and nothing on update', () => {
    const created = bodySchema(invoice, 'create');
    expect(created.type).toBe('object');
    expect(created.additionalProperties).toBe(false);
    expect(created.required).toEqual(['number', 'total', 'quantity']);
    expect(Object.keys(created.properties!)).toEqual(writableColumns(invoice).map((c) => c.propertyName));
    expect(bodySchema(invoice, 'update').required).toEqual([]);
  });
});

describe('bodySchema and rowSchema on columns the client may not write or read', () => {
  it('leaves insert: false columns out of create, update: false ones out of update, select: false ones out of rows', () => {
    expect(Object.keys(bodySchema(supplier, 'create').properties!)).toEqual(['name', 'code']);
    expect(bodySchema(supplier, 'create').required).toEqual(['name', 'code']);
    expect(Object.keys(bodySchema(supplier, 'update').properties!)).toEqual(['name']);
    expect(Object.keys(rowSchema(supplier).properties!)).toEqual(['id', 'name', 'code']);
  });
});

describe('rowSchema', () => {
  it('describes every column of a row', () => {
    const row = rowSchema(invoice);
    expect(row.type).toBe('object');
    expect(Object.keys(row.properties!)).toEqual(invoice.columns.map((c) => c.propertyName));
    expect(row.properties!.id).toEqual({ type: 'string', format: 'uuid' });
  });
});

describe('toEntityInput', () => {
  it('turns a foreign-key id into the relation object TypeORM saves, and keeps null', () => {
    expect(toEntityInput(invoice, { number: 'A', supplier: SUPPLIER_ID })).toEqual({
      number: 'A',
      supplier: { id: SUPPLIER_ID },
    });
    expect(toEntityInput(invoice, { supplier: null })).toEqual({ supplier: null });
  });

  it('adds nothing for a foreign key the body leaves out', () => {
    expect(toEntityInput(invoice, { number: 'A' })).toEqual({ number: 'A' });
  });
});

describe('request validation', () => {
  it('accepts a body with the required fields', async () => {
    expect(await create({})).toEqual({ status: 200, message: undefined });
  });

  it('accepts every field in its own type', async () => {
    const full = {
      note: 'first',
      status: 'paid',
      total: 12.5,
      priority: -32768,
      sequence: '9007199254740993',
      ratio: 0.25,
      paid: true,
      due: '2024-03-01',
      issuedAt: '2024-03-01T12:00:00Z',
      tags: ['a', 'b'],
      meta: { any: ['json'] },
      supplier: SUPPLIER_ID,
    };
    expect((await create(full)).status).toBe(200);
  });

  it('accepts null for a nullable field', async () => {
    expect((await create({ note: null, sequence: null, supplier: null, meta: null })).status).toBe(200);
  });

  it('refuses a string longer than the column', async () => {
    expect(await create({ number: 'x'.repeat(21) })).toEqual({
      status: 400,
      message: 'body/number must NOT have more than 20 characters',
    });
    expect((await create({ number: 'x'.repeat(20) })).status).toBe(200);
  });

  it('refuses null for a required field, on create and on update', async () => {
    expect(await create({ number: null })).toEqual({ status: 400, message: 'body/number must be string' });
    expect(await send('PATCH', { quantity: null })).toEqual({
      status: 400,
      message: 'body/quantity must be integer',
    });
  });

  it('refuses a body without a required field', async () => {
    expect(await send('POST', { number: 'A', total: '1' })).toEqual({
      status: 400,
      message: "body must have required property 'quantity'",
    });
  });

  it('refuses a field it does not know, and one the server manages', async () => {
    expect(await create({ colour: 'red' })).toMatchObject({
      status: 400,
      message: 'body must NOT have additional properties',
    });
    expect((await create({ id: SUPPLIER_ID })).status).toBe(400);
    expect((await create({ createdAt: '2024-03-01T12:00:00Z' })).status).toBe(400);
    expect((await create({ version: 2 })).status).toBe(400);
  });

  it.each([
    ['a number for a string', { number: 5 }, 'body/number must be string'],
    ['a string for an integer', { quantity: '3' }, 'body/quantity must be integer'],
    ['a fraction for an integer', { quantity: 3.5 }, 'body/quantity must be integer'],
    ['an integer beyond 32 bits', { quantity: 2147483648 }, 'body/quantity must be <= 2147483647'],
    ['a smallint beyond 16 bits', { priority: 32768 }, 'body/priority must be <= 32767'],
    ['text for a numeric', { total: '12,50' }, 'body/total must match pattern "^-?[0-9]+(\\.[0-9]+)?$"'],
    ['a string for a boolean', { paid: 'true' }, 'body/paid must be boolean'],
    [
      'a value outside the enum',
      { status: 'void' },
      'body/status must be equal to one of the allowed values',
    ],
    ['a date that is not one', { due: '1 March' }, 'body/due must match format "date"'],
    ['a timestamp that is not one', { issuedAt: 'yesterday' }, 'body/issuedAt must match format "date-time"'],
    ['a string for an array', { tags: 'a' }, 'body/tags must be array'],
    ['a number in a text array', { tags: ['a', 1] }, 'body/tags/1 must be string'],
    ['a foreign key that is not a uuid', { supplier: 'acme' }, 'body/supplier must match format "uuid"'],
    ['an object for a foreign key', { supplier: { id: SUPPLIER_ID } }, 'body/supplier must be string,null'],
  ])('refuses %s', async (_, fields, message) => {
    expect(await create(fields)).toEqual({ status: 400, message });
  });

  it('reports the first problem of a body with several', async () => {
    expect(await create({ number: 5, quantity: '3' })).toEqual({
      status: 400,
      message: 'body/number must be string',
    });
  });

  it('accepts a partial update, and refuses the same wrong types as create', async () => {
    expect((await send('PATCH', {})).status).toBe(200);
    expect((await send('PATCH', { note: 'changed' })).status).toBe(200);
    expect(await send('PATCH', { number: 'x'.repeat(21) })).toMatchObject({ status: 400 });
  });
});
