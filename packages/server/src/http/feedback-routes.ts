/**
 * POST /api/feedback_report with an `Idempotency-Key` header: the unique idempotency_key column
 * decides, inside PostgreSQL, which of several identical requests creates the row; every other
 * one gets that same row back. Safe under concurrent requests without any lock of ours.
 */
import { FeedbackReport } from '@app/entities-framework';
import type { FastifyInstance } from 'fastify';
import type { ObjectLiteral } from 'typeorm';
import { sendDatabaseError } from './database-errors';
import { bodySchema } from './entity-schema';
import type { RouteContext } from './route-context';

export async function feedbackRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  if (!context.dataSource.hasMetadata(FeedbackReport)) return;
  const entity = context.dataSource.getMetadata(FeedbackReport);
  const repository = context.dataSource.getRepository(FeedbackReport);
  app.post(
    '/api/feedback_report',
    {
      schema: {
        tags: ['FeedbackReport'],
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 36 } },
        },
        body: bodySchema(entity, 'create'),
      },
    },
    async (request, reply) => {
      const key = (request.headers as Record<string, string | undefined>)['idempotency-key'];
      const body = { ...(request.body as ObjectLiteral), ...(key ? { idempotencyKey: key } : {}) };
      try {
        if (!key) return reply.code(201).send(await repository.save(repository.create(body)));
        const inserted = await repository
          .createQueryBuilder()
          .insert()
          .values(body)
          .orIgnore()
          .returning('*')
          .execute();
        if (inserted.raw.length > 0)
          return reply.code(201).send(await repository.findOneByOrFail({ idempotencyKey: key }));
        return reply
          .code(200)
          .header('idempotent-replayed', 'true')
          .send(await repository.findOneByOrFail({ idempotencyKey: key }));
      } catch (error) {
        const sent = sendDatabaseError(reply, error);
        if (sent) return sent;
        throw error;
      }
    },
  );
}
