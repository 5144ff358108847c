/**
 * The admin surface, all behind `Authorization: Bearer <token>` (401 with none configured):
 * migration status, the deploy history (read-only: it is an audit trail), feedback reports (read
 * and triage), AI jobs (read), sessions (read and revoke), runtime parameters and the virtual
 * entities' live stores.
 */
import {
  AIJob,
  DeployHistory,
  FeedbackReport,
  ParameterStore,
  type ParamScope,
  SessionInfo,
} from '@app/entities-framework';
import type { FastifyInstance } from 'fastify';
import { adminGuard } from './admin-auth';
import { registerEntityRoutes } from './entity-routes';
import { HttpProblem, PROBLEM_RESPONSES } from './problem';
import type { RouteContext } from './route-context';

/** What the admin surface offers for each framework entity, and where. */
const FRAMEWORK_SURFACE = [
  [DeployHistory, '/deploy-history', ['list', 'get']],
  [FeedbackReport, '/feedback-reports', ['list', 'get', 'update']],
  [AIJob, '/ai-jobs', ['list', 'get']],
  [SessionInfo, '/sessions', ['list', 'get', 'delete']],
] as const;

const REVISIONS_BY_LINEAGE = {
  type: 'object',
  description: 'revision ids by lineage',
  additionalProperties: { type: 'array', items: { type: 'string' } },
};

const ADMIN = { tags: ['admin'], security: [{ adminToken: [] }] };

export async function adminRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  app.addHook('onRequest', adminGuard(context.adminToken));

  app.get(
    '/migrations',
    {
      schema: {
        ...ADMIN,
        summary: 'Migration status',
        response: {
          200: {
            type: 'object',
            required: ['state', 'atHeads', 'heads', 'pending'],
            properties: {
              state: { type: 'string' },
              atHeads: { type: 'boolean' },
              current: REVISIONS_BY_LINEAGE,
              heads: REVISIONS_BY_LINEAGE,
              pending: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    lineage: { type: 'string' },
                    message: { type: 'string' },
                  },
                },
              },
            },
          },
          ...PROBLEM_RESPONSES,
        },
      },
    },
    async () => {
      const state = await context.migrator.status();
      return {
        state: state.state,
        atHeads: state.state === 'in-step',
        current: state.current,
        heads: context.migrator.heads(),
        pending: state.pending.map((r) => ({ id: r.id, lineage: r.lineage, message: r.message })),
      };
    },
  );

  for (const [entityClass, path, operations] of FRAMEWORK_SURFACE) {
    if (!context.dataSource.hasMetadata(entityClass)) continue;
    const entity = context.dataSource.getMetadata(entityClass);
    registerEntityRoutes(app, entity, context.dataSource.getRepository(entityClass), operations, {
      path,
      schema: ADMIN,
    });
  }

  const params = new ParameterStore(context.dataSource);
  app.get(
    '/params',
    { schema: { ...ADMIN, summary: 'Runtime parameters', response: PROBLEM_RESPONSES } },
    async () => params.list(),
  );
  app.put(
    '/params/:key',
    {
      schema: {
        ...ADMIN,
        summary: 'Set a runtime parameter',
        params: {
          type: 'object',
          required: ['key'],
          properties: { key: { type: 'string', minLength: 1, maxLength: 200 } },
        },
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
        response: PROBLEM_RESPONSES,
      },
    },
    async (request) => {
      const { key } = request.params as { key: string };
      const body = request.body as { value: unknown; scope?: ParamScope; scopeId?: string };
      const scope = body.scope ?? 'system';
      if (scope !== 'system' && !body.scopeId)
        throw new HttpProblem(400, 'VALIDATION_FAILED', `a ${scope} parameter needs scopeId`, 'scopeId');
      await params.set(key, body.value, { scope, scopeId: body.scopeId, updatedBy: 'admin-api' });
      return { key, scope, scopeId: body.scopeId ?? '', value: body.value };
    },
  );

  app.get(
    '/virtual',
    { schema: { ...ADMIN, summary: 'Virtual entities', response: PROBLEM_RESPONSES } },
    async () =>
      context.metadata.virtualEntities.map((v) => ({ entity: v.name, table: v.table, store: v.store })),
  );
  app.get(
    '/virtual/:table',
    {
      schema: {
        ...ADMIN,
        summary: "A virtual entity's live rows",
        params: {
          type: 'object',
          required: ['table'],
          properties: { table: { type: 'string', maxLength: 200 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 999 } },
        },
        response: PROBLEM_RESPONSES,
      },
    },
    async (request) => {
      const { table } = request.params as { table: string };
      const info = context.metadata.virtualEntities.find((v) => v.table === table);
      if (!info) throw new HttpProblem(404, 'NOT_FOUND', `no virtual entity with table ${table}`, 'table');
      return context.stores[info.store].list({ limit: (request.query as { limit?: number }).limit ?? 100 });
    },
  );
}
