/**
 * Admin routes: migration status, DeployHistory, runtime parameters and the virtual entities'
 * live stores. All need `Authorization: Bearer <token>`; with no token configured they answer 401.
 */
import { timingSafeEqual } from 'node:crypto';
import { ParameterStore, type ParamScope } from '@app/entities-framework';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteContext } from './route-context';

function authorised(request: FastifyRequest, token: string | undefined): boolean {
  const header = request.headers.authorization ?? '';
  if (!token || !header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function adminRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    if (!authorised(request, context.adminToken)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'admin routes need Authorization: Bearer <admin token>' });
    }
  });

  app.get('/migrations', async () => {
    const state = await context.migrator.status();
    return {
      state: state.state,
      atHeads: state.state === 'in-step',
      current: state.current,
      heads: context.migrator.heads(),
      pending: state.pending.map((r) => ({ id: r.id, lineage: r.lineage, message: r.message })),
    };
  });

  app.get('/deploy-history', async () =>
    context.dataSource.query(`SELECT * FROM "deploy_history" ORDER BY "deployed_at" DESC LIMIT 100`),
  );

  const params = new ParameterStore(context.dataSource);
  app.get('/params', async () => params.list());
  app.put(
    '/params/:key',
    {
      schema: {
        params: { type: 'object', properties: { key: { type: 'string', minLength: 1, maxLength: 200 } } },
        body: {
          type: 'object',
          required: ['value'],
          additionalProperties: false,
          properties: {
            value: {},
            scope: { type: 'string', enum: ['system', 'tenant', 'user'] },
            scopeId: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const { key } = request.params as { key: string };
      const body = request.body as { value: unknown; scope?: ParamScope; scopeId?: string };
      const scope = body.scope ?? 'system';
      if (scope !== 'system' && !body.scopeId)
        return reply.code(400).send({ error: `a ${scope} parameter needs scopeId` });
      await params.set(key, body.value, { scope, scopeId: body.scopeId, updatedBy: 'admin-api' });
      return { key, scope, scopeId: body.scopeId ?? '', value: body.value };
    },
  );

  app.get('/virtual', async () =>
    context.metadata.virtualEntities.map((v) => ({ entity: v.name, table: v.table, store: v.store })),
  );
  app.get(
    '/virtual/:table',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' } },
        },
      },
    },
    async (request, reply) => {
      const { table } = request.params as { table: string };
      const info = context.metadata.virtualEntities.find((v) => v.table === table);
      if (!info) return reply.code(404).send({ error: `no virtual entity with table ${table}` });
      return context.stores[info.store].list({
        limit: Number((request.query as { limit?: string }).limit ?? 100),
      });
    },
  );
}
