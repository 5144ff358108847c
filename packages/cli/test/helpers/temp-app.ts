/**
 * A throwaway app folder laid out as an installed app sees it: node_modules/@app/cli and
 * node_modules/typeorm resolve, so the built `dazzle` binary runs against it as a subprocess.
 * Apps made here are tracked so a suite can remove them, and stop any embedded server they left.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTempDir } from '@app/testing';

export const CLI_ROOT = join(__dirname, '..', '..');
export const DAZZLE_BIN = join(CLI_ROOT, 'dist', 'bin.js');

const made: string[] = [];

export interface TempAppOptions {
  /** Put the app inside a 0700 folder, as a clone under /root or in a private folder is. */
  closedParent?: boolean;
}

export function createTempApp(options: TempAppOptions = {}): string {
  let root = makeTempDir('dazzle-app-');
  made.push(root);
  if (options.closedParent) {
    chmodSync(root, 0o700);
    root = join(root, 'app');
    mkdirSync(root);
  }
  chmodSync(root, 0o755); // an app folder as people have them: others may enter it (the embedded server's user does)
  mkdirSync(join(root, 'node_modules', '@app'), { recursive: true });
  symlinkSync(CLI_ROOT, join(root, 'node_modules', '@app', 'cli'));
  const typeorm = realpathSync(join(CLI_ROOT, '..', 'migrator', 'node_modules', 'typeorm'));
  symlinkSync(typeorm, join(root, 'node_modules', 'typeorm'));
  return root;
}

/** The real folder of an app's embedded cluster (`.dazzle/postgres` may be a symlink). */
export function clusterDirOf(app: string): string {
  return realpathSync(join(app, '.dazzle', 'postgres'));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of the live PostgreSQL running on an app's cluster, if any. */
export function embeddedServerPid(app: string): number | undefined {
  const pidFile = join(app, '.dazzle', 'postgres', 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return pid > 0 && isAlive(pid) ? pid : undefined;
}

/** Stops every embedded server the apps made here left running, and deletes the apps (and clusters kept outside them). */
export async function removeTempApps(): Promise<void> {
  for (const root of made.splice(0)) {
    for (const app of [root, join(root, 'app')]) {
      const pid = embeddedServerPid(app);
      if (pid) {
        process.kill(pid, 'SIGINT');
        while (isAlive(pid)) await sleep(50);
      }
      if (existsSync(join(app, '.dazzle', 'postgres'))) {
        const cluster = clusterDirOf(app);
        if (!cluster.startsWith(root)) rmSync(join(cluster, '..'), { recursive: true, force: true });
      }
    }
    rmSync(root, { recursive: true, force: true });
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the built `dazzle` as a subprocess (stdin closed) and hands back the process. */
export function spawnDazzle(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [DAZZLE_BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  }).on('spawn', function (this: ChildProcessWithoutNullStreams) {
    this.stdin.end();
  });
}

export function dazzle(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawnDazzle(cwd, args, env);
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServingApp {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code and signal once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `dazzle serve --port 0` and resolves once it prints where it serves. */
export function serveApp(cwd: string, env: NodeJS.ProcessEnv = {}): Promise<ServingApp> {
  const child = spawnDazzle(cwd, ['serve', '--port', '0'], env);
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      const url = /Serving on (\S+) /.exec(stdout)?.[1];
      if (url) resolve({ child, url, stderr: () => stderr, exited });
    });
    void exited.then(({ code }) =>
      reject(new Error(`serve exited (${code}) before serving: ${stdout}${stderr}`)),
    );
  });
}
