/**
 * Fastify's pino logger as the server configures it: JSON lines on stderr (stdout stays the CLI's,
 * for `--json`), a request id on every request line and in the `X-Request-Id` response header (a
 * caller's own well-formed `X-Request-Id` is kept, so ids follow a request across services), and
 * credentials redacted should any code log request headers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyServerOptions } from 'fastify';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const REQUEST_ID_HEADER = 'x-request-id';
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface LoggingOptions {
  level: LogLevel;
  /** Where JSON lines go; default process.stderr. */
  stream?: NodeJS.WritableStream;
}

/** The request id: the caller's X-Request-Id when well formed, else a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && WELL_FORMED_ID.test(given) ? given : randomUUID();
}

export function loggingOptions(options: LoggingOptions): Partial<FastifyServerOptions> {
  return {
    logger: {
      level: options.level,
      stream: options.stream ?? process.stderr,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'],
        censor: '[redacted]',
      },
    },
    genReqId: requestIdOf,
    requestIdLogLabel: 'requestId',
  };
}
