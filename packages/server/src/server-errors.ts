/** Errors the server raises while starting; codes are documented in docs/reference/errors.md. */
import { DazzleError } from '@app/entities-framework';

export type ServerErrorCode = 'SERVER_START_FAILED';

export class ServerError extends DazzleError {
  declare readonly code: ServerErrorCode;

  constructor(code: ServerErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
