/**
 * The SQLSTATE of a failed query, wherever it sits: TypeORM wraps pg's error in a QueryFailedError
 * (`driverError.code`), a raw pg client throws it bare (`code`). The proofs decide by it whether a
 * failure is a data guard, a statement that needs its own database, or a real failure.
 */
export function codeOf(error: unknown): string | undefined {
  const failed = error as { code?: string; driverError?: { code?: string } };
  return failed.driverError?.code ?? failed.code;
}
