/**
 * CRUD for every persisted entity, derived from the metadata: list with pagination, sorting and
 * filters on known columns only, get, create, update, delete. Bodies are validated against
 * schemas built from the column types and nullability, so bad input is a 400 and writes nothing.
 */
import { FeedbackReport } from '@app/entities-framework';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EntityMetadata, FindOptionsOrder, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import { sendDatabaseError } from './database-errors';
import { bodySchema, columnSchema, toEntityInput } from './entity-schema';
import { basePath, type RouteContext, servedEntities } from './route-context';

const MAX_LIMIT = 200;

function listQuerySchema(entity: EntityMetadata) {
  const filterable = entity.columns.filter(
    (c) => !c.isArray && !['jsonb', 'json', 'bytea'].includes(String(c.type)),
  );
  const sorts = filterable.flatMap((c) => [c.propertyName, `-${c.propertyName}`]);
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      // Query strings are text; numbers are checked by pattern and converted below.
      limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
      offset: { type: 'string', pattern: '^[0-9]{1,9}$' },
      sort: { type: 'string', enum: sorts },
      ...Object.fromEntries(filterable.map((c) => [c.propertyName, { type: 'string' }])),
    },
  };
}

async function write<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work();
  } catch (error) {
    const sent = sendDatabaseError(reply, error);
    if (sent) return sent;
    throw error;
  }
}

function registerEntity(app: FastifyInstance, context: RouteContext, entity: EntityMetadata): void {
  const repository = context.dataSource.getRepository<ObjectLiteral>(entity.target);
  const path = basePath(entity);
  const tags = [entity.name];
  const primary = entity.primaryColumns.length === 1 ? entity.primaryColumns[0]! : undefined;

  app.get(path, { schema: { tags, querystring: listQuerySchema(entity) } }, async (request) => {
    const {
      limit: limitText,
      offset: offsetText,
      sort,
      ...filters
    } = request.query as Record<string, string | undefined>;
    const limit = Math.min(Number(limitText ?? 50), MAX_LIMIT);
    const offset = Number(offsetText ?? 0);
    const order: FindOptionsOrder<ObjectLiteral> = sort
      ? { [sort.replace(/^-/, '')]: sort.startsWith('-') ? 'DESC' : 'ASC' }
      : {};
    if (!sort && primary) order[primary.propertyName] = 'ASC';
    const [items, total] = await repository.findAndCount({
      where: toEntityInput(entity, filters) as FindOptionsWhere<ObjectLiteral>,
      order,
      take: limit,
      skip: offset,
      loadRelationIds: true,
    });
    return { items, total, limit, offset };
  });

  // FeedbackReport's create honours Idempotency-Key and lives in feedback-routes.
  if (entity.target !== FeedbackReport)
    app.post(path, { schema: { tags, body: bodySchema(entity, 'create') } }, async (request, reply) =>
      write(reply, async () => {
        const saved = await repository.save(
          repository.create(toEntityInput(entity, request.body as Record<string, unknown>)),
        );
        return reply.code(201).send(saved);
      }),
    );

  if (!primary) return;
  const idSchema = columnSchema(primary);
  const params = {
    type: 'object',
    properties: { id: idSchema.format === 'uuid' ? idSchema : { type: 'string' } },
    required: ['id'],
  };
  const find = (id: unknown) =>
    repository.findOne({
      where: { [primary.propertyName]: id } as FindOptionsWhere<ObjectLiteral>,
      loadRelationIds: true,
    });

  app.get(`${path}/:id`, { schema: { tags, params } }, async (request, reply) =>
    write(reply, async () => {
      const row = await find((request.params as { id: unknown }).id);
      return row ?? reply.code(404).send({ error: `no ${entity.name} with that id` });
    }),
  );

  app.patch(
    `${path}/:id`,
    { schema: { tags, params, body: bodySchema(entity, 'update') } },
    async (request, reply) =>
      write(reply, async () => {
        const row = await find((request.params as { id: unknown }).id);
        if (!row) return reply.code(404).send({ error: `no ${entity.name} with that id` });
        return repository.save(
          repository.merge(row, toEntityInput(entity, request.body as Record<string, unknown>)),
        );
      }),
  );

  app.delete(`${path}/:id`, { schema: { tags, params } }, async (request, reply) =>
    write(reply, async () => {
      const result = await repository.delete({
        [primary.propertyName]: (request.params as { id: unknown }).id,
      } as FindOptionsWhere<ObjectLiteral>);
      return result.affected
        ? reply.code(204).send()
        : reply.code(404).send({ error: `no ${entity.name} with that id` });
    }),
  );
}

export async function crudRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  for (const entity of servedEntities(context.dataSource)) registerEntity(app, context, entity);
}
