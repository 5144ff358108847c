/**
 * A throwaway app folder laid out as an installed app sees it: node_modules/@app/cli and
 * node_modules/typeorm resolve, so the built `dazzle` binary runs against it as a subprocess.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI_ROOT = join(__dirname, '..', '..');
export const DAZZLE_BIN = join(CLI_ROOT, 'dist', 'bin.js');

export function createTempApp(): string {
  const root = mkdtempSync(join(tmpdir(), 'dazzle-app-'));
  chmodSync(root, 0o755); // an app folder as people have them: others may enter it (the embedded server's user does)
  mkdirSync(join(root, 'node_modules', '@app'), { recursive: true });
  symlinkSync(CLI_ROOT, join(root, 'node_modules', '@app', 'cli'));
  const typeorm = realpathSync(join(CLI_ROOT, '..', 'migrator', 'node_modules', 'typeorm'));
  symlinkSync(typeorm, join(root, 'node_modules', 'typeorm'));
  return root;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function dazzle(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DAZZLE_BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
