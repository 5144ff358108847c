/**
 * Runs one PostgreSQL tool to completion and reports how it ended, turning spawn failures
 * (EACCES, ENOENT) into a result instead of an unhandled 'error' event.
 */
import { spawn } from 'node:child_process';
import type { ServerUser } from './os-user';

export interface ToolResult {
  readonly code: number | null;
  readonly output: string;
  readonly spawnError?: Error;
}

export function runTool(command: string, args: string[], user: ServerUser | undefined): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', (spawnError) => resolve({ code: null, output, spawnError }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** The last lines of a tool's output, on one line, for an error message. */
export function tail(output: string, lines = 3): string {
  return output.trim().split('\n').slice(-lines).join(' ').trim();
}
