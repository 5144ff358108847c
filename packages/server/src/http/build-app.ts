/**
 * The Fastify application: health, CRUD, idempotent feedback, admin and OpenAPI, each an
 * encapsulated plugin. Every response is counted into the metrics store and traced.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { adminRoutes } from './admin-routes';
import { crudRoutes } from './crud-routes';
import { REQUEST_VALIDATION_OPTIONS } from './entity-schema';
import { feedbackRoutes } from './feedback-routes';
import { buildOpenApiDocument } from './openapi';
import type { RouteContext } from './route-context';

export async function buildApp(context: RouteContext, version: string): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    ajv: { customOptions: { ...REQUEST_VALIDATION_OPTIONS } },
    // On close: in-flight requests finish, idle keep-alive connections are closed at once.
    forceCloseConnections: 'idle',
  });

  // A keep-alive connection whose request was in flight when the close began would otherwise stay
  // open (and keep the process alive) until its idle timeout: tell the client to close it.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
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

  app.setErrorHandler(
    (error: { validation?: unknown; statusCode?: number; message: string }, request, reply) => {
      if (error.validation) return reply.code(400).send({ error: 'invalid request', reason: error.message });
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500)
        context.stores.logs.append('error', `${request.method} ${request.url}: ${error.message}`);
      return reply.code(status).send({ error: status === 500 ? 'internal error' : error.message });
    },
  );

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) =>
    context.isReady() ? { status: 'ready' } : reply.code(503).send({ status: 'starting' }),
  );
  const openapi = buildOpenApiDocument(context, version);
  app.get('/openapi.json', async () => openapi);

  await app.register(async (scope) => feedbackRoutes(scope, context));
  await app.register(async (scope) => crudRoutes(scope, context));
  await app.register(async (scope) => adminRoutes(scope, context), { prefix: '/admin' });
  return app;
}
