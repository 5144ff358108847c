/**
 * The public CRUD API: list (paged, sorted, filtered on typed columns), get, create, update and
 * delete for each public app entity (public-api.ts decides which); the list alone for a view entity.
 */
import type { FastifyInstance } from 'fastify';
import { registerEntityRoutes } from './entity-routes';
import { basePath, type RouteContext } from './route-context';

export async function crudRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  for (const entity of context.publicEntities)
    registerEntityRoutes(
      app,
      entity,
      context.dataSource.getRepository(entity.target),
      // A view entity is read-only and keyless: only its list.
      entity.tableType === 'view' ? ['list'] : ['list', 'get', 'create', 'update', 'delete'],
      { path: basePath(entity), schema: { tags: [entity.name] } },
    );
}
