/**
 * The example app's own route, added through `server.configureServer`: what is overdue on a day,
 * per currency. Generated CRUD answers "give me rows"; a report like this is the kind of route an
 * app writes itself, with its own schema, beside the generated ones and listed in /openapi.json.
 */
import type { ConfigureServer } from '@app/server';
import { Invoice } from '../entities/invoice';

/** Statuses that still expect money. */
const OPEN_STATUSES = ['submitted', 'approved', 'partially_paid', 'disputed'];

interface OverdueRow {
  currency: string;
  count: string;
  total: string;
}

export const overdueInvoicesRoute: ConfigureServer = (app, { dataSource }) => {
  app.get(
    '/reports/overdue-invoices',
    {
      schema: {
        tags: ['reports'],
        summary: 'Open invoices past their due date, per currency',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['asOf'],
          properties: { asOf: { type: 'string', format: 'date', description: 'the day to look from' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['asOf', 'byCurrency'],
            properties: {
              asOf: { type: 'string' },
              byCurrency: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['currency', 'count', 'total'],
                  properties: {
                    currency: { type: 'string' },
                    count: { type: 'integer' },
                    total: { type: 'string', description: 'exact decimal' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const { asOf } = request.query as { asOf: string };
      const rows = await dataSource
        .getRepository(Invoice)
        .createQueryBuilder('invoice')
        .select('invoice.currency', 'currency')
        .addSelect('count(*)', 'count')
        .addSelect('sum(invoice.amount)::text', 'total')
        .where('invoice.dueDate < :asOf', { asOf })
        .andWhere('invoice.status IN (:...open)', { open: OPEN_STATUSES })
        .groupBy('invoice.currency')
        .orderBy('invoice.currency')
        .getRawMany<OverdueRow>();
      return {
        asOf,
        byCurrency: rows.map((r) => ({ currency: r.currency, count: Number(r.count), total: r.total })),
      };
    },
  );
};
