/**
 * Every error the HTTP API answers is an RFC 9457 problem document (`application/problem+json`)
 * with a stable `code` and a `type` URI that points at its row in docs/reference/server.md, so a
 * client branches on the code, never on the English text.
 */
import type { FastifyReply } from 'fastify';

/** Every problem code the HTTP API answers with, each documented in docs/reference/server.md. */
export const PROBLEM_CODES = [
  'VALIDATION_FAILED',
  'PAGINATION_LIMIT_EXCEEDED',
  'NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'UNAUTHORIZED',
  'UNIQUE_CONFLICT',
  'REFERENCE_CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL_ERROR',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const DOCS = 'https://github.com/dazzle-dev/dazzle/blob/main/docs/reference/server.md';

const TITLES: Record<ProblemCode, string> = {
  VALIDATION_FAILED: 'The request is not valid',
  PAGINATION_LIMIT_EXCEEDED: 'The page size is over the maximum',
  NOT_FOUND: 'No such row',
  ROUTE_NOT_FOUND: 'No such route',
  UNAUTHORIZED: 'An admin token is needed',
  UNIQUE_CONFLICT: 'A row with this value already exists',
  REFERENCE_CONFLICT: 'A reference to another row does not hold',
  PAYLOAD_TOO_LARGE: 'The body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'The body must be JSON',
  INTERNAL_ERROR: 'Internal error',
};

/** The body of every error response. `field` names the offending input when there is one. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  instance?: string;
  field?: string;
  requestId?: string;
}

/** An error that becomes a problem response; thrown by routes, rendered by the error handler. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(detail);
  }
}

export function problemType(code: ProblemCode): string {
  return `${DOCS}#${code.toLowerCase().replaceAll('_', '-')}`;
}

/** Sends a problem document; used by the error and not-found handlers and by the admin guard. */
export function sendProblem(reply: FastifyReply, problem: HttpProblem): FastifyReply {
  const body: ProblemDocument = {
    type: problemType(problem.code),
    title: TITLES[problem.code],
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    instance: reply.request.url.split('?')[0],
    ...(problem.field ? { field: problem.field } : {}),
    requestId: String(reply.request.id),
  };
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** The JSON schema of a problem document, for the OpenAPI responses of every route. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', enum: [...PROBLEM_CODES] },
    detail: { type: 'string' },
    instance: { type: 'string' },
    field: { type: 'string' },
    requestId: { type: 'string' },
  },
} as const;

/** Route-schema responses for failures: documented in OpenAPI, serialized as problem documents. */
export const PROBLEM_RESPONSES = {
  '4xx': {
    description: 'a problem with the request (RFC 9457)',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_SCHEMA } },
  },
  '5xx': {
    description: 'the server failed or is not ready (RFC 9457)',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_SCHEMA } },
  },
} as const;
