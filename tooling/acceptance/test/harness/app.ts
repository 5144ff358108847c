/**
 * Apps as an author has them: a folder outside the monorepo with its own package.json and the
 * packed packages in node_modules, and the `dazzle` binary npm linked there, run as a subprocess.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inject } from 'vitest';
import { recordCodes } from './codes-seen';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface NewAppOptions {
  /** Where to create the app folder (default: the run's apps folder). */
  parent?: string;
  /** A real copy of node_modules instead of a link to the shared install. */
  copyModules?: boolean;
}

export function templateModules(): string {
  return join(inject('acceptanceRunDir'), 'template', 'node_modules');
}

/** A fresh app folder: package.json and node_modules, nothing else (run `dazzle init` to scaffold). */
export function newApp(label: string, options: NewAppOptions = {}): string {
  const parent = options.parent ?? join(inject('acceptanceRunDir'), 'apps');
  mkdirSync(parent, { recursive: true });
  const app = mkdtempSync(join(parent, `${label}-`));
  chmodSync(app, 0o755);
  writeFileSync(join(app, 'package.json'), '{ "name": "my-app", "version": "1.0.0", "private": true }\n');
  if (options.copyModules)
    cpSync(templateModules(), join(app, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  else symlinkSync(templateModules(), join(app, 'node_modules'));
  return app;
}

export function writeFiles(app: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(app, path)), { recursive: true });
    writeFileSync(join(app, path), content);
  }
}

function baseEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
}

/** Runs `node_modules/.bin/dazzle <args>` in the app, as `npx dazzle` would. */
export function dazzle(
  app: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 120_000,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(app, 'node_modules', '.bin', 'dazzle'), args, {
      cwd: app,
      env: baseEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dazzle ${args.join(' ')} did not end in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      recordCodes(`${stdout}\n${stderr}`);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface Serving {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves when the process ends, with everything it printed. */
  readonly ended: Promise<CliResult>;
}

// A serve a failed test never stopped must not outlive the test worker.
const servers = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of servers) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `dazzle serve` and resolves once it prints `Serving on <url>`; rejects if it ends first. */
export function startServe(
  app: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Serving> {
  const child = spawn(join(app, 'node_modules', '.bin', 'dazzle'), ['serve', '--port', '0', ...args], {
    cwd: app,
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.add(child);
  let stdout = '';
  let stderr = '';
  const ended = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      servers.delete(child);
      recordCodes(`${stdout}\n${stderr}`);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start in time:\n${stdout}\n${stderr}`));
    }, 120_000);
    child.stdout!.on('data', (d) => {
      stdout += d;
      const match = /Serving on (\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child, ended });
      }
    });
    child.stderr!.on('data', (d) => (stderr += d));
    void ended.then((result) => {
      clearTimeout(timer);
      reject(
        new Error(`serve ended (code ${result.code}) before serving:\n${result.stdout}\n${result.stderr}`),
      );
    });
  });
}

/**
 * What a failing command printed from its error line on: progress and context lines (the database
 * in use, revisions as they run) come before it, so one error line means a one-element result.
 */
export function errorLines(stderr: string): string[] {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  const first = lines.findIndex((line) => /^(Error [A-Z]|Usage error)/.test(line));
  return first === -1 ? lines : lines.slice(first);
}
