import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dazzle, newApp } from './harness/app';

describe('getting started', () => {
  it('init --help gives a command that works in an empty folder', async () => {
    const app = newApp('init-help');
    const help = await dazzle(app, ['init', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('npx @app/cli init');
  });

  it('`npx @app/cli init` scaffolds the app with the installed package', () => {
    const app = newApp('init-npx');
    const result = spawnSync('npx', ['--no-install', '@app/cli', 'init'], {
      cwd: app,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_update_notifier: 'false' },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(join(app, 'dazzle.config.ts'))).toBe(true);
    expect(result.stdout).toMatch(/dazzle db revision/);
  });
});
