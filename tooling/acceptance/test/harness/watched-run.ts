/**
 * A `dazzle` run the test reacts to while it is still going: wait for a line on stderr (a retry, a
 * revision starting), then act on the database from outside, or SIGKILL the binary mid-statement.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CliResult } from './app';
import { recordCodes } from './codes-seen';

export interface WatchedRun {
  readonly child: ChildProcess;
  /** Resolves once stderr matches, with what it printed so far; rejects if the run ends first. */
  waitForStderr(pattern: RegExp): Promise<string>;
  readonly ended: Promise<CliResult>;
}

export function watchDazzle(app: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): WatchedRun {
  const child = spawn(join(app, 'node_modules', '.bin', 'dazzle'), args, {
    cwd: app,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: (text: string) => void }> = [];
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => {
    stderr += d;
    for (const waiter of [...waiters])
      if (waiter.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(stderr);
      }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const ended = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      recordCodes(`${stdout}\n${stderr}`);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    child,
    ended,
    waitForStderr: (pattern) =>
      new Promise((resolve, reject) => {
        if (pattern.test(stderr)) return resolve(stderr);
        waiters.push({ pattern, resolve });
        void ended.then((result) =>
          reject(
            new Error(
              `dazzle ${args.join(' ')} ended (code ${result.code}) before printing ${pattern}:\n${result.stderr}`,
            ),
          ),
        );
      }),
  };
}
