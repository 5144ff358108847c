/** Facts about an app's embedded PostgreSQL read from outside: its postmaster pid and port. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function postmasterFile(app: string): string {
  return join(app, '.dazzle', 'postgres', 'postmaster.pid');
}

/** The running postmaster's pid and port, or undefined when none is running. */
export function runningPostmaster(app: string): { pid: number; port: number } | undefined {
  const file = postmasterFile(app);
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  return isAlive(pid) ? { pid, port: Number(lines[3]) } : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function embeddedUrl(port: number): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/dazzle`;
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
