/**
 * How the CLI ends: one line saying what went wrong and what to do next, exit 1 for failures and
 * exit 2 for usage errors; a stack trace only with --verbose or DEBUG set.
 */
import { isDazzleError } from '@app/migrator';

/** Codes the CLI itself prints, beside the packages' own; documented in docs/reference/errors.md. */
export const CLI_ERROR_CODES = ['USAGE', 'UNEXPECTED'] as const;

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called (unknown flag, missing argument). */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

export function describeError(error: unknown): { line: string; code: string; exitCode: number } {
  if (error instanceof UsageError) return { line: error.message, code: error.code, exitCode: EXIT_USAGE };
  if (isDazzleError(error))
    return { line: `${error.code}: ${error.message}`, code: error.code, exitCode: EXIT_FAILURE };
  const message = error instanceof Error ? error.message : String(error);
  return {
    line: `UNEXPECTED: ${message.split('\n')[0]} (run again with --verbose for details, and please report it)`,
    code: 'UNEXPECTED',
    exitCode: EXIT_FAILURE,
  };
}

export function isVerbose(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--verbose') || Boolean(env.DEBUG);
}
