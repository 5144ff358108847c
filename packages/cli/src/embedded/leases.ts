/**
 * Who uses an app's embedded server. Every dazzle process using it holds a lease, a file named by
 * its pid in `.dazzle/leases/`; the last one out stops the server. A process killed with -9 leaves
 * a lease whose pid is dead: the next command adopts the server and stops it when it ends. Starting,
 * adopting and the last-one-out check happen under `.dazzle/postgres.lock`, so a command that joins
 * while another leaves never finds its server stopped under it.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '@app/local-postgres';
import { MigratorError } from '@app/migrator/inspect';
import { dazzleDir } from './cluster-place';

function leaseDir(appRoot: string): string {
  return join(dazzleDir(appRoot), 'leases');
}

export function addLease(appRoot: string, pid = process.pid): void {
  mkdirSync(leaseDir(appRoot), { recursive: true });
  closeSync(openSync(join(leaseDir(appRoot), String(pid)), 'w'));
}

export function removeLease(appRoot: string, pid = process.pid): void {
  rmSync(join(leaseDir(appRoot), String(pid)), { force: true });
}

/** Pids of live processes holding a lease; leases of dead ones are deleted on the way. */
export function liveLeases(appRoot: string): number[] {
  let names: string[];
  try {
    names = readdirSync(leaseDir(appRoot));
  } catch {
    return [];
  }
  const live: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) live.push(pid);
    else rmSync(join(leaseDir(appRoot), name), { force: true });
  }
  return live;
}

/**
 * Runs `body` while holding the app's embedded-server lock (a file created exclusively, holding
 * the owner's pid; a dead owner's lock is taken over).
 */
export async function withServerLock<T>(
  appRoot: string,
  body: () => Promise<T>,
  timeoutMs = 120_000,
): Promise<T> {
  const path = join(dazzleDir(appRoot), 'postgres.lock');
  mkdirSync(dazzleDir(appRoot), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim() || 'NaN');
      if (Number.isInteger(owner) && !isAlive(owner)) {
        rmSync(path, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new MigratorError(
          'EMBEDDED_POSTGRES_FAILED',
          `Another dazzle process (pid ${owner}) has held ${path} for ${timeoutMs / 1000} s while starting or stopping the embedded PostgreSQL. Wait for it, or delete the file if that process is gone.`,
          { lockFile: path },
        );
      await sleep(100);
    }
  }
  try {
    return await body();
  } finally {
    rmSync(path, { force: true });
  }
}
