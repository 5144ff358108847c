/**
 * One place decides what an error means to the client: a problem document for every failure,
 * schema errors named by field, PostgreSQL errors in the API's words, Fastify's own 4xx (bad JSON,
 * wrong content type, body too large) with a stable code, and everything else a logged 500 that
 * tells the client only its request id.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { EntityMetadata } from 'typeorm';
import { databaseProblem } from './database-errors';
import { HttpProblem, type ProblemCode, sendProblem } from './problem';

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const CODE_BY_STATUS: Record<number, ProblemCode> = {
  401: 'UNAUTHORIZED',
  404: 'ROUTE_NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function validationProblem(issue: ValidationIssue, part: string): HttpProblem {
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const named =
    (issue.params.missingProperty as string | undefined) ??
    (issue.params.additionalProperty as string | undefined);
  const field = named ? (path ? `${path}.${named}` : named) : path;
  if (part === 'querystring' && field === 'limit' && issue.keyword === 'maximum')
    return new HttpProblem(
      400,
      'PAGINATION_LIMIT_EXCEEDED',
      `limit must be at most ${String(issue.params.limit)}; page with offset (the response's nextOffset)`,
      'limit',
    );
  const subject = `${part}${path ? ` ${path}` : ''}`;
  const detail =
    issue.keyword === 'additionalProperties'
      ? `${part} has an unknown field ${named} (must NOT have additional properties)`
      : `${subject} ${issue.message ?? 'is not valid'}`;
  return new HttpProblem(400, 'VALIDATION_FAILED', detail, field || undefined);
}

export function installErrorHandling(
  app: FastifyInstance,
  entities: EntityMetadata[],
  onInternalError: (message: string) => void,
): void {
  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    if (error instanceof HttpProblem) return sendProblem(reply, error);
    if (error.validation?.length)
      return sendProblem(
        reply,
        validationProblem(error.validation[0] as ValidationIssue, error.validationContext ?? 'request'),
      );
    const fromDatabase = databaseProblem(error, entities);
    if (fromDatabase) return sendProblem(reply, fromDatabase);
    const status = error.statusCode;
    if (status && status >= 400 && status < 500)
      return sendProblem(
        reply,
        new HttpProblem(status, CODE_BY_STATUS[status] ?? 'VALIDATION_FAILED', error.message),
      );
    request.log.error({ err: error }, 'request failed');
    onInternalError(
      `${request.method} ${request.routeOptions.url ?? request.url} (${request.id}): ${error.message}`,
    );
    return sendProblem(
      reply,
      new HttpProblem(
        500,
        'INTERNAL_ERROR',
        `the server failed; quote request id ${request.id} to its operator`,
      ),
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new HttpProblem(404, 'ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
