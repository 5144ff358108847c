/**
 * Starts and stops one PostgreSQL server process (the postmaster) on a cluster, and reads what a
 * running one says about itself in `postmaster.pid`: its pid, port and whether it is ready.
 * Stopping is a fast shutdown (SIGINT: open sessions are rolled back), waited for until it is gone.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PostgresBinaries } from './binaries';
import { tail } from './child-process';
import { LocalPostgresError } from './errors';
import type { ServerUser } from './os-user';

export interface PostmasterInfo {
  readonly pid: number;
  readonly port: number;
  readonly ready: boolean;
}

/** The server log, kept in the cluster folder, which only the server user (and root) can read. */
export function serverLogPath(dataDir: string): string {
  return join(dataDir, 'server.log');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live postmaster of `dataDir`, or undefined when none runs (a stale pid file counts as none). */
export function runningPostmaster(dataDir: string): PostmasterInfo | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  return { pid, port, ready: lines[7]?.trim() === 'ready' };
}

export interface StartPostmasterOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly serverFlags: readonly string[];
  readonly serverUser: ServerUser | undefined;
  /** Detached servers outlive this process and ignore the terminal's Ctrl-C. */
  readonly detached: boolean;
  readonly timeoutMs?: number;
}

/** Starts the postmaster and resolves once it accepts connections. */
export async function startPostmaster(
  bins: PostgresBinaries,
  options: StartPostmasterOptions,
): Promise<PostmasterInfo> {
  const { dataDir, serverUser } = options;
  const logPath = serverLogPath(dataDir);
  const log = openSync(logPath, 'a', 0o600);
  const child = spawn(
    bins.postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(options.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...options.serverFlags,
    ],
    {
      stdio: ['ignore', log, log],
      detached: options.detached,
      env: { ...process.env, LC_MESSAGES: 'C' },
      ...(serverUser ? { uid: serverUser.uid, gid: serverUser.gid } : {}),
    },
  );
  closeSync(log);
  let ended: string | undefined;
  child.once('error', (error) => (ended = error.message));
  child.once('exit', (code, signal) => (ended ??= `it exited (${signal ?? `code ${code}`})`));
  if (options.detached) child.unref();
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (ended !== undefined) break;
    const info = runningPostmaster(dataDir);
    if (info?.ready && info.pid === child.pid) return info;
    await sleep(50);
  }
  if (ended === undefined) {
    child.kill('SIGQUIT');
    ended = 'it was not ready in time';
  }
  const logTail = existsSync(logPath) ? tail(readFileSync(logPath, 'utf8')) : '';
  throw new LocalPostgresError(
    'START_FAILED',
    `PostgreSQL did not start on ${dataDir}: ${ended}. ${logTail}`.trim(),
  );
}

/**
 * Fast-stops the postmaster of `dataDir`, if one runs, and waits until its process is gone.
 *
 * @example
 * await stopPostmaster('/var/lib/dazzle/shop-1a2b3c4d/postgres');
 */
export async function stopPostmaster(dataDir: string, timeoutMs = 60_000): Promise<void> {
  const info = runningPostmaster(dataDir);
  if (!info) return;
  process.kill(info.pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(info.pid)) {
    if (Date.now() > deadline) {
      process.kill(info.pid, 'SIGQUIT');
      throw new LocalPostgresError(
        'STOP_FAILED',
        `PostgreSQL (pid ${info.pid}) on ${dataDir} did not stop within ${timeoutMs / 1000} s; sent it SIGQUIT.`,
      );
    }
    await sleep(50);
  }
}
