/**
 * The base of every error the framework raises on purpose. Each carries a stable `code` that the
 * docs explain (docs/reference/errors.md) and a message saying what happened, to what, and what to
 * do next, so the CLI can print it as one line and tests can assert on the code.
 */
export class DazzleError extends Error {
  readonly code: string;
  /** Structured facts behind the message (file names, revision ids, …) for `--json` output. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}

export function isDazzleError(error: unknown): error is DazzleError {
  return (
    error instanceof DazzleError ||
    (error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && 'details' in error)
  );
}
