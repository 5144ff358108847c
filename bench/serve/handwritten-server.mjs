// The baseline a team would write by hand: Fastify + TypeORM, the same two routes as dazzle serve's
// /api/tenant (paged list with total, create with a validated body), same pool size, logger at warn.
// argv: databaseUrl. Prints `LISTENING <url>`.
import Fastify from 'fastify';
import 'reflect-metadata';
import { DataSource, EntitySchema } from 'typeorm';

const Tenant = new EntitySchema({
  name: 'Tenant',
  tableName: 'tenant',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    name: { type: 'varchar', length: 120 },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
  },
});

const dataSource = new DataSource({
  type: 'postgres',
  url: process.argv[2],
  entities: [Tenant],
  poolSize: 10,
});
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

const app = Fastify({ logger: { level: 'warn' } });
app.get(
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
          properties: { items: { type: 'array', items: row }, total: { type: 'integer' } },
        },
      },
    },
  },
  async (request) => {
    const { limit = 50, offset = 0 } = request.query;
    const [items, total] = await tenants.findAndCount({ order: { id: 'ASC' }, take: limit, skip: offset });
    return { items, total };
  },
);
app.post(
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
  async (request, reply) => reply.code(201).send(await tenants.save(tenants.create(request.body))),
);
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`LISTENING ${url}\n`);
process.once(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => dataSource.destroy())
      .then(() => process.exit(0)),
);
