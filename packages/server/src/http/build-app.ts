/**
 * The Fastify application, in the order that makes the promises hold: logging and request ids,
 * input guard and error handling, the OpenAPI collector, then the app's own plugins and hook, and
 * only then the generated routes (health, feedback, CRUD, admin), so everything the app adds runs
 * before them and every route, the app's included, appears in /openapi.json.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { adminRoutes } from './admin-routes';
import { crudRoutes } from './crud-routes';
import { installErrorHandling } from './error-handler';
import { feedbackRoutes } from './feedback-routes';
import { guardInput } from './input-guard';
import { PROBLEM_RESPONSES } from './problem';
import { type LoggingOptions, loggingOptions, REQUEST_ID_HEADER } from './request-logging';
import { createValidatorCompiler } from './request-validation';
import type { RouteContext } from './route-context';
import { applyServerExtensions, type ServerExtensions } from './server-extensions';

export interface AppOptions {
  version: string;
  logging: LoggingOptions;
  extensions: ServerExtensions;
}

function observe(app: FastifyInstance, context: RouteContext): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  // While draining, every answer tells the client to drop its kept-alive connection, so none is
  // left idle for the close to cut under a request the client is about to send.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (context.readiness.state === 'draining') reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const tags = { method: request.method, route, status: String(reply.statusCode) };
    context.stores.metrics.record('http.requests', 1, 'count', tags);
    context.stores.metrics.record('http.duration_ms', reply.elapsedTime, 'ms', { route });
    context.stores['event-traces'].record(
      `${request.method} ${route}`,
      new Date(Date.now() - reply.elapsedTime),
      reply.elapsedTime,
      { status: reply.statusCode },
    );
  });
}

async function healthRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  const status = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } };
  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'The process is up', response: { 200: status } } },
    async () => ({
      status: 'ok',
    }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Ready for traffic: migrated, not draining, database answering',
        response: { 200: status, 503: status },
      },
    },
    async (_request, reply) => {
      const answer = await context.readiness.check();
      return reply.code(answer.ready ? 200 : 503).send({ status: answer.status });
    },
  );
}

export async function buildApp(context: RouteContext, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggingOptions(options.logging),
    // On close: in-flight requests finish, idle keep-alive connections are closed at once, and a
    // request that arrives on an open connection meanwhile is served (with Connection: close).
    forceCloseConnections: 'idle',
    return503OnClosing: false,
  });
  app.setValidatorCompiler(createValidatorCompiler());
  observe(app, context);
  app.addHook('preValidation', guardInput);
  installErrorHandling(app, context.dataSource.entityMetadatas, (line) =>
    context.stores.logs.append('error', line),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'dazzle app', version: options.version },
      components: {
        securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'the admin token' } },
      },
    },
  });
  await applyServerExtensions(app, options.extensions, { dataSource: context.dataSource });

  await app.register(async (scope) => healthRoutes(scope, context));
  await app.register(async (scope) => feedbackRoutes(scope, context));
  await app.register(async (scope) => crudRoutes(scope, context));
  await app.register(async (scope) => adminRoutes(scope, context), { prefix: '/admin' });
  app.get('/openapi.json', { schema: { hide: true, response: PROBLEM_RESPONSES } }, async () =>
    app.swagger(),
  );
  return app;
}
