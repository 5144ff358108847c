/**
 * The one error this package raises on purpose. Its message is a single line saying what failed,
 * where, and what to do next; callers (the migrator's embedded default, the test provider) wrap or
 * print it as is, never with a stack trace.
 */
export type LocalPostgresErrorReason =
  | 'BINARIES_MISSING'
  | 'LIBRARY_LINKS_MISSING'
  | 'SERVER_USER'
  | 'FOLDER_UNREACHABLE'
  | 'INIT_FAILED'
  | 'START_FAILED'
  | 'STOP_FAILED';

export class LocalPostgresError extends Error {
  override readonly name = 'LocalPostgresError';

  constructor(
    readonly reason: LocalPostgresErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
