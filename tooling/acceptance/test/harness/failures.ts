/**
 * What a refused command must look like to a person, and how a test puts an app folder back after
 * editing it by hand: the error suites assert the first and lean on the second between steps.
 */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type CliResult, errorLines } from './app';

/**
 * A refusal as the catalog promises it: the exit code, nothing on stdout, and one `Error CODE:`
 * line on stderr as the last line, without a stack trace.
 */
export function expectRefusal(result: CliResult, code: string, exitCode = 1): string {
  const context = `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.code, context).toBe(exitCode);
  expect(result.stdout, context).toBe('');
  const lines = errorLines(result.stderr);
  expect(
    lines.filter((line) => /^Error /.test(line)),
    context,
  ).toHaveLength(1);
  expect(lines.at(-1), context).toMatch(new RegExp(`^Error ${code}: \\S`));
  expect(result.stderr, context).not.toMatch(/\n\s+at /);
  return lines.at(-1)!;
}

/** A command that must succeed: exit 0, with the command and its stderr in the failure message. */
export function expectSuccess(result: CliResult, args: readonly string[]): CliResult {
  expect(result.code, `dazzle ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
}

/** Copies a folder aside; the returned function puts it back exactly (files added since are gone). */
export function snapshotFolder(app: string, folder: string): () => void {
  const saved = join(app, `.saved-${folder}`);
  rmSync(saved, { recursive: true, force: true });
  cpSync(join(app, folder), saved, { recursive: true });
  return () => {
    rmSync(join(app, folder), { recursive: true, force: true });
    cpSync(saved, join(app, folder), { recursive: true });
  };
}
