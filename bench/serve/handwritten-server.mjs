// The baseline a team would write by hand: Fastify + TypeORM serving invoice-ops' own Tenant class
// (the app's entity classes, loaded from its dazzle.config.ts once at startup, so both servers map
// the same entities), with the same two routes as dazzle serve's /api/tenant: a paged list with
// the same envelope and a create with a validated body. Same pool size (10), logger level (warn),
// request id in `X-Request-Id`, Fastify's keep-alive defaults.
// argv: databaseUrl, style. `idiomatic` is what the TypeORM docs teach: findAndCount (the page, then
// a count) and save() (BEGIN, INSERT … RETURNING, COMMIT). `tuned` sends what dazzle serve sends:
// the page and its total in one statement, one INSERT … RETURNING; against it the ratio is the cost
// of the framework alone. Prints `LISTENING <url>`.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '@app/migrator';
import Fastify from 'fastify';
import 'reflect-metadata';
import { DataSource } from 'typeorm';

const [url, style = 'idiomatic'] = process.argv.slice(2);
const app = await loadConfig({ cwd: join(import.meta.dirname, '..', '..', 'apps', 'invoice-ops') });
const entities = app.config.entities;
const Tenant = entities.find((e) => e.name === 'Tenant');

const dataSource = new DataSource({ type: 'postgres', url, entities, poolSize: 10 });
await dataSource.initialize();
const tenants = dataSource.getRepository(Tenant);
const row = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
};

async function page(limit, offset) {
  if (style === 'idiomatic') return tenants.findAndCount({ order: { id: 'ASC' }, take: limit, skip: offset });
  const { entities: items, raw } = await tenants
    .createQueryBuilder('t')
    .addSelect('COUNT(*) OVER ()', 'total')
    .orderBy('t.id', 'ASC')
    .take(limit)
    .skip(offset)
    .getRawAndEntities();
  return [items, raw.length > 0 ? Number(raw[0].total) : await tenants.count()];
}

async function create(body) {
  const tenant = tenants.create(body);
  if (style === 'idiomatic') return tenants.save(tenant);
  await tenants.insert(tenant);
  return tenant;
}

const server = Fastify({ logger: { level: 'warn' }, genReqId: () => randomUUID() });
server.addHook('onRequest', async (request, reply) => {
  reply.header('x-request-id', request.id);
});
server.get(
  '/api/tenant',
  {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 200 },
          offset: { type: 'integer', minimum: 0 },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            items: { type: 'array', items: row },
            total: { type: 'integer' },
            limit: { type: 'integer' },
            offset: { type: 'integer' },
            nextOffset: { type: ['integer', 'null'] },
          },
        },
      },
    },
  },
  async (request) => {
    const { limit = 50, offset = 0 } = request.query;
    const [items, total] = await page(limit, offset);
    const next = offset + items.length;
    return { items, total, limit, offset, nextOffset: next < total ? next : null };
  },
);
server.post(
  '/api/tenant',
  {
    schema: {
      body: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { name: { type: 'string', maxLength: 120 } },
      },
      response: { 201: row },
    },
  },
  async (request, reply) => reply.code(201).send(await create(request.body)),
);
const address = await server.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`LISTENING ${address}\n`);
process.once(
  'SIGTERM',
  () =>
    void server
      .close()
      .then(() => dataSource.destroy())
      .then(() => process.exit(0)),
);
