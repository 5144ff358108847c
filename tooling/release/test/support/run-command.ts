// One way to run a command to its end without blocking the worker, so that the release test's
// concurrent steps (the app installing and the maintainers publishing) keep running side by side.
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  stdout: string;
  /** stdout then stderr */
  out: string;
}

/**
 * @example
 * const { code, out } = await runCommand('npm', ['install'], { cwd: folder, env });
 */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, out: `${stdout}${stderr}` }));
  });
}
