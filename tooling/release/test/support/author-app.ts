// An app outside the monorepo, as an app author makes one: its own folder under the system temp
// folder, npm as the package manager, `@app/*` resolved from the test registry through the app's
// own .npmrc. npm reads an empty user config from the app's parent folder, never the user's.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type CommandResult, runCommand } from './run-command';

export type { CommandResult } from './run-command';

export interface AuthorApp {
  folder: string;
  /** Runs a command in the app folder (npm, npx, …) and returns its exit code and output. */
  run(command: string, args: string[], env?: NodeJS.ProcessEnv): CommandResult;
  /** `run` without blocking: the test can do other work while the command runs. */
  start(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<CommandResult>;
  /** `npx dazzle serve --port 0` until it prints its URL; `stop()` ends it and its children. */
  serve(env: NodeJS.ProcessEnv): Promise<{ url: string; stop(): void }>;
  remove(): void;
}

export function createAuthorApp(registryUrl: string): AuthorApp {
  const parent = mkdtempSync(join(tmpdir(), 'dazzle-author-'));
  const folder = join(parent, 'my-app');
  mkdirSync(folder);
  chmodSync(parent, 0o755);
  writeFileSync(join(parent, 'user.npmrc'), '');
  writeFileSync(join(folder, 'package.json'), '{ "name": "my-app", "version": "1.0.0", "private": true }\n');
  writeFileSync(join(folder, '.npmrc'), `@app:registry=${registryUrl}\n`);
  const baseEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    npm_config_userconfig: join(parent, 'user.npmrc'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = spawnSync(command, args, { cwd: folder, encoding: 'utf8', env: { ...baseEnv, ...env } });
    return { code: result.status, stdout: result.stdout, out: `${result.stdout}${result.stderr}` };
  };
  const start = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCommand(command, args, { cwd: folder, env: { ...baseEnv, ...env } });
  const serve = (env: NodeJS.ProcessEnv) => {
    const server = spawn('npx', ['dazzle', 'serve', '--port', '0'], {
      cwd: folder,
      env: { ...baseEnv, ...env },
      detached: true,
    });
    const stop = () => {
      if (server.exitCode === null && server.pid) process.kill(-server.pid, 'SIGTERM');
    };
    return new Promise<{ url: string; stop(): void }>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /Serving on (\S+)/.exec(out);
        if (match) resolve({ url: match[1]!, stop });
      });
      server.stderr.on('data', (chunk) => (out += chunk));
      server.on('close', (code) => reject(new Error(`dazzle serve exited ${code}: ${out}`)));
    });
  };
  return { folder, run, start, serve, remove: () => rmSync(parent, { recursive: true, force: true }) };
}
