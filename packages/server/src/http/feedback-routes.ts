/**
 * POST /api/feedback_report, the one public route of a framework entity: anyone may submit
 * feedback, nobody but an admin may read it. With an `Idempotency-Key` header the unique
 * idempotency_key column decides, inside PostgreSQL, which of several identical requests creates
 * the row; every other one gets that same row back (200, `Idempotent-Replayed: true`).
 */
import { FeedbackReport } from '@app/entities-framework';
import type { FastifyInstance } from 'fastify';
import type { ObjectLiteral } from 'typeorm';
import { bodySchema, rowSchema, toResponse } from './entity-schema';
import { PROBLEM_RESPONSES } from './problem';
import type { RouteContext } from './route-context';

export async function feedbackRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  if (!context.dataSource.hasMetadata(FeedbackReport)) return;
  const entity = context.dataSource.getMetadata(FeedbackReport);
  const repository = context.dataSource.getRepository(FeedbackReport);
  const row = rowSchema(entity);
  app.post(
    '/api/feedback_report',
    {
      schema: {
        tags: ['FeedbackReport'],
        summary: 'Submit feedback',
        headers: {
          type: 'object',
          properties: {
            'idempotency-key': {
              type: 'string',
              minLength: 1,
              maxLength: 36,
              description: 'the same key sends back the row the first request created',
            },
          },
        },
        body: bodySchema(entity, 'create'),
        response: { 200: row, 201: row, ...PROBLEM_RESPONSES },
      },
    },
    async (request, reply) => {
      const key = (request.headers as Record<string, string | undefined>)['idempotency-key'];
      const body = { ...(request.body as ObjectLiteral), ...(key ? { idempotencyKey: key } : {}) };
      if (!key)
        return reply.code(201).send(toResponse(entity, await repository.save(repository.create(body))));
      const inserted = await repository
        .createQueryBuilder()
        .insert()
        .values(body)
        .orIgnore()
        .returning('*')
        .execute();
      const saved = await repository.findOneByOrFail({ idempotencyKey: key });
      if (inserted.raw.length > 0) return reply.code(201).send(toResponse(entity, saved));
      return reply.code(200).header('idempotent-replayed', 'true').send(toResponse(entity, saved));
    },
  );
}
