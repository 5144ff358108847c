/**
 * The route building blocks for one entity, each declared with the JSON schemas derived from its
 * metadata (query, params, body, response), so Fastify validates and serializes with them and the
 * OpenAPI document is generated from the same declarations. The public CRUD API and the admin
 * surface are both assembled from these, so a list looks the same wherever it is served.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { EntityMetadata, FindOptionsOrder, FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { bodySchema, columnSchema, isForeignKey, rowSchema } from './entity-schema';
import { DEFAULT_PAGE_SIZE, listQuerySchema, pageSchema } from './list-query';
import { HttpProblem, PROBLEM_RESPONSES } from './problem';
import { readPage } from './read-page';
import { RowShape } from './row-shape';

export interface EntityRouteOptions {
  /** URL of the collection, e.g. `/api/widget` or `/admin/deploy-history`. */
  path: string;
  /** OpenAPI tags and security for every route of this entity. */
  schema: Pick<FastifySchema, 'tags' | 'security'>;
}

type Operation = 'list' | 'get' | 'create' | 'update' | 'delete';

/** A repository and the facts every route of the entity needs, computed once. */
class EntityEndpoint {
  readonly primary: ColumnMetadata | undefined;
  readonly relationIds: string[];
  readonly shape: RowShape;

  constructor(
    readonly entity: EntityMetadata,
    readonly repository: Repository<ObjectLiteral>,
  ) {
    this.primary = entity.primaryColumns.length === 1 ? entity.primaryColumns[0] : undefined;
    this.relationIds = entity.columns.filter(isForeignKey).map((c) => c.propertyName);
    this.shape = new RowShape(entity);
  }

  idParams(): object {
    const schema = columnSchema(this.primary!);
    const id = Array.isArray(schema.type)
      ? { ...schema, type: schema.type.find((t) => t !== 'null') }
      : schema;
    return { type: 'object', properties: { id }, required: ['id'] };
  }

  async findById(id: unknown): Promise<Record<string, unknown>> {
    const row = await this.repository.findOne({
      where: { [this.primary!.propertyName]: id } as FindOptionsWhere<ObjectLiteral>,
      loadRelationIds: { relations: this.relationIds },
    });
    if (!row) throw new HttpProblem(404, 'NOT_FOUND', `no ${this.entity.name} with id ${String(id)}`, 'id');
    return row;
  }
}

/**
 * Registers the chosen operations of one entity on `app`.
 *
 * @example
 * registerEntityRoutes(app, dataSource.getMetadata(Widget), repo, ['list', 'get'], { path: '/api/widget', schema: { tags: ['Widget'] } });
 */
export function registerEntityRoutes(
  app: FastifyInstance,
  entity: EntityMetadata,
  repository: Repository<ObjectLiteral>,
  operations: readonly Operation[],
  options: EntityRouteOptions,
): void {
  const endpoint = new EntityEndpoint(entity, repository);
  const row = rowSchema(entity);
  const { path } = options;
  const { primary, shape } = endpoint;
  const schema = (extra: FastifySchema): FastifySchema => ({ ...options.schema, ...extra });

  if (operations.includes('list'))
    app.get(
      path,
      {
        schema: schema({
          summary: `List ${entity.name}`,
          querystring: listQuerySchema(entity),
          response: { 200: pageSchema(entity), ...PROBLEM_RESPONSES },
        }),
      },
      async (request) => {
        const {
          limit = DEFAULT_PAGE_SIZE,
          offset = 0,
          sort,
          ...filters
        } = request.query as {
          limit?: number;
          offset?: number;
          sort?: string;
        } & Record<string, unknown>;
        const order: FindOptionsOrder<ObjectLiteral> = sort
          ? { [sort.replace(/^-/, '')]: sort.startsWith('-') ? 'DESC' : 'ASC' }
          : {};
        // A stable order under every sort, so offsets page through each row exactly once.
        if (primary && !(primary.propertyName in order)) order[primary.propertyName] = 'ASC';
        const { rows, total } = await readPage(repository, {
          where: shape.toInput(filters) as FindOptionsWhere<ObjectLiteral>,
          order,
          take: limit,
          skip: offset,
          relationIds: endpoint.relationIds,
        });
        const items = rows.map((r) => shape.toResponse(r));
        const nextOffset = offset + items.length < total ? offset + items.length : null;
        return { items, total, limit, offset, nextOffset };
      },
    );

  if (operations.includes('create'))
    app.post(
      path,
      {
        schema: schema({
          summary: `Create a ${entity.name}`,
          body: bodySchema(entity, 'create'),
          response: { 201: row, ...PROBLEM_RESPONSES },
        }),
      },
      async (request, reply) => {
        // One INSERT … RETURNING, no transaction around it: a single statement is atomic, and
        // save() would add BEGIN and COMMIT (two more round trips) for a row with no cascades.
        const created = repository.create(shape.toInput(request.body as Record<string, unknown>));
        await repository.insert(created);
        return reply.code(201).send(shape.toResponse(created));
      },
    );

  if (!primary) return;
  const params = endpoint.idParams();
  const idOf = (request: { params: unknown }) => (request.params as { id: unknown }).id;

  if (operations.includes('get'))
    app.get(
      `${path}/:id`,
      {
        schema: schema({
          summary: `Get a ${entity.name}`,
          params,
          response: { 200: row, ...PROBLEM_RESPONSES },
        }),
      },
      async (request) => shape.toResponse(await endpoint.findById(idOf(request))),
    );

  if (operations.includes('update'))
    app.patch(
      `${path}/:id`,
      {
        schema: schema({
          summary: `Update a ${entity.name}`,
          params,
          body: bodySchema(entity, 'update'),
          response: { 200: row, ...PROBLEM_RESPONSES },
        }),
      },
      async (request) => {
        const existing = await endpoint.findById(idOf(request));
        const input = shape.toInput(request.body as Record<string, unknown>);
        return shape.toResponse(await repository.save(repository.merge(existing, input)));
      },
    );

  if (operations.includes('delete'))
    app.delete(
      `${path}/:id`,
      {
        schema: schema({
          summary: `Delete a ${entity.name}`,
          params,
          response: { 204: { type: 'null', description: 'deleted' }, ...PROBLEM_RESPONSES },
        }),
      },
      async (request, reply) => {
        const id = idOf(request);
        const result = await repository.delete({
          [primary.propertyName]: id,
        } as FindOptionsWhere<ObjectLiteral>);
        if (!result.affected)
          throw new HttpProblem(404, 'NOT_FOUND', `no ${entity.name} with id ${String(id)}`, 'id');
        return reply.code(204).send();
      },
    );
}
