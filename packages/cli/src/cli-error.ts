/**
 * How the CLI ends: one line saying what went wrong and what to do next, exit 1 for failures and
 * exit 2 for usage errors; a stack trace only with --verbose or DEBUG set. With --json the same
 * facts go to stdout as one JSON object, so a script reads one stream whatever happened.
 */
import { isDazzleError, maskSecrets } from '@app/migrator/inspect';
import { CommanderError } from 'commander';

/** Codes the CLI itself prints, beside the packages' own; documented in docs/reference/errors.md. */
export const CLI_ERROR_CODES = ['USAGE', 'UNEXPECTED', 'PACKAGE_NOT_INSTALLED'] as const;

export const EXIT_SUCCESS = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called (unknown flag, missing argument, a flag value out of range). */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

/** What `--json` prints for a failed command (documented in docs/reference/cli.md). */
export interface JsonErrorDocument {
  readonly code: string;
  readonly message: string;
  readonly exitCode: number;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface DescribedError {
  /** `CODE: message`, the human line without its `Error ` prefix. */
  readonly line: string;
  readonly code: string;
  readonly message: string;
  readonly exitCode: number;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Commander's own messages start with `error: `; the CLI's line says it once. */
function commanderMessage(error: CommanderError): string {
  return error.message.replace(/^error:\s*/i, '').split('\n')[0]!;
}

export function describeError(error: unknown): DescribedError {
  if (error instanceof UsageError || error instanceof CommanderError) {
    const message = maskSecrets(error instanceof CommanderError ? commanderMessage(error) : error.message);
    return { line: message, code: 'USAGE', message, exitCode: EXIT_USAGE };
  }
  if (isDazzleError(error)) {
    const message = maskSecrets(error.message);
    return {
      line: `${error.code}: ${message}`,
      code: error.code,
      message,
      exitCode: EXIT_FAILURE,
      details: error.details,
    };
  }
  const first = maskSecrets((error instanceof Error ? error.message : String(error)).split('\n')[0]!);
  const message = `${first} (run again with --verbose for details, and please report it)`;
  return { line: `UNEXPECTED: ${message}`, code: 'UNEXPECTED', message, exitCode: EXIT_FAILURE };
}

/**
 * Prints a failure the way the mode asks: `--json` → one object on stdout, nothing on stderr
 * but the stack trace with --verbose; otherwise one line on stderr and nothing on stdout.
 */
export function reportError(
  error: unknown,
  mode: { json: boolean; verbose: boolean },
  streams: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = {
    out: process.stdout,
    err: process.stderr,
  },
): number {
  const described = describeError(error);
  if (mode.json) {
    const document: JsonErrorDocument = {
      code: described.code,
      message: described.message,
      exitCode: described.exitCode,
      ...jsonDetails(described.details),
    };
    streams.out.write(`${JSON.stringify(document, null, 2)}\n`);
  } else if (described.exitCode === EXIT_USAGE) {
    streams.err.write(`Usage error: ${described.line} (run with --help for usage)\n`);
  } else {
    streams.err.write(`Error ${described.line}\n`);
  }
  if (mode.verbose && error instanceof Error && error.stack && !(error instanceof CommanderError))
    streams.err.write(`${maskSecrets(error.stack)}\n`);
  return described.exitCode;
}

/** An error's details as JSON, passwords masked; left out when they do not serialize (a cycle, a BigInt). */
function jsonDetails(details: Readonly<Record<string, unknown>> | undefined): {
  details?: Record<string, unknown>;
} {
  if (!details || Object.keys(details).length === 0) return {};
  try {
    return { details: JSON.parse(maskSecrets(JSON.stringify(details))) as Record<string, unknown> };
  } catch {
    return {};
  }
}

export function isVerbose(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--verbose') || Boolean(env.DEBUG);
}

/** `--json` anywhere among the arguments: known even when parsing failed before options were read. */
export function isJson(argv: readonly string[]): boolean {
  return argv.slice(2).includes('--json');
}
