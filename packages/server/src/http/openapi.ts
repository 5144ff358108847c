/** The OpenAPI 3.1 document at /openapi.json, built from the same schemas the routes validate with. */
import type { EntityMetadata } from 'typeorm';
import { bodySchema, rowSchema } from './entity-schema';
import { basePath, type RouteContext, servedEntities } from './route-context';

function entityPaths(entity: EntityMetadata): Record<string, unknown> {
  const ref = { $ref: `#/components/schemas/${entity.name}` };
  const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
  const path = basePath(entity);
  const paths: Record<string, unknown> = {
    [path]: {
      get: {
        tags: [entity.name],
        summary: `List ${entity.name}`,
        responses: {
          200: {
            description: 'a page of rows',
            ...json({
              type: 'object',
              properties: { items: { type: 'array', items: ref }, total: { type: 'integer' } },
            }),
          },
        },
      },
      post: {
        tags: [entity.name],
        summary: `Create ${entity.name}`,
        requestBody: json(bodySchema(entity, 'create')),
        responses: { 201: { description: 'created', ...json(ref) }, 400: { description: 'invalid body' } },
      },
    },
  };
  if (entity.primaryColumns.length === 1) {
    const parameters = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
    paths[`${path}/{id}`] = {
      get: {
        tags: [entity.name],
        parameters,
        responses: { 200: { description: 'the row', ...json(ref) }, 404: { description: 'not found' } },
      },
      patch: {
        tags: [entity.name],
        parameters,
        requestBody: json(bodySchema(entity, 'update')),
        responses: { 200: { description: 'updated', ...json(ref) } },
      },
      delete: { tags: [entity.name], parameters, responses: { 204: { description: 'deleted' } } },
    };
  }
  return paths;
}

export function buildOpenApiDocument(context: RouteContext, version: string): Record<string, unknown> {
  const entities = servedEntities(context.dataSource);
  return {
    openapi: '3.1.0',
    info: { title: 'dazzle app', version },
    paths: Object.assign(
      {
        '/healthz': { get: { summary: 'alive', responses: { 200: { description: 'the process is up' } } } },
        '/readyz': {
          get: {
            summary: 'ready',
            responses: { 200: { description: 'migrated and serving' }, 503: { description: 'starting' } },
          },
        },
      },
      ...entities.map(entityPaths),
    ),
    components: {
      schemas: Object.fromEntries(entities.map((e) => [e.name, rowSchema(e)])),
      securitySchemes: { admin: { type: 'http', scheme: 'bearer' } },
    },
  };
}
