/** Errors the server raises while starting; codes are documented in docs/reference/errors.md. */
import { DazzleError } from '@app/entities-framework';

/** Every code the server raises while starting, each documented in docs/reference/errors.md. */
export const SERVER_ERROR_CODES = ['SERVER_START_FAILED', 'SERVER_PORT_IN_USE'] as const;

export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

export class ServerError extends DazzleError {
  declare readonly code: ServerErrorCode;

  constructor(code: ServerErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
