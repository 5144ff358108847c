// A private npm registry for the release tests: Verdaccio on 127.0.0.1 at a free port, its storage
// and users in a temporary folder, no uplinks (nothing is fetched from or sent to the public registry).
// Two users: `releaser` may publish every @app package; `intern` every one but @app/migrator, so a
// release run as `intern` stops at the third package, like a release cut short.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@app/testing';

export type Publisher = 'releaser' | 'intern';

export interface PrivateRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** A user npm config (`npm_config_userconfig`) that publishes as this user; nothing global is touched. */
  userConfig(publisher: Publisher): string;
  stop(): Promise<void>;
}

const VERDACCIO_BIN = join(import.meta.dirname, '..', '..', 'node_modules', 'verdaccio', 'bin', 'verdaccio');

function config(folder: string): string {
  const everyone = 'releaser intern';
  return `storage: ${join(folder, 'storage')}
auth:
  htpasswd:
    file: ${join(folder, 'htpasswd')}
    max_users: 10
uplinks: {}
server:
  keepAliveTimeout: 0
packages:
  '@app/migrator':
    access: $all
    publish: releaser
  '@app/*':
    access: $all
    publish: ${everyone}
  '**':
    access: $all
    publish: releaser
log: { type: stdout, format: pretty, level: warn }
`;
}

async function waitUntilUp(url: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`Verdaccio exited ${server.exitCode}: ${output()}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Verdaccio did not answer on ${url} within a minute: ${output()}`);
}

async function addUser(url: string, name: Publisher): Promise<string> {
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: `${name}-password` }),
  });
  if (!response.ok)
    throw new Error(`Verdaccio refused the user ${name}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** Starts Verdaccio and creates its two users. Always `stop()` it: that also removes its folder. */
export async function startPrivateRegistry(): Promise<PrivateRegistry> {
  const folder = mkdtempSync(join(tmpdir(), 'dazzle-registry-'));
  writeFileSync(join(folder, 'config.yaml'), config(folder));
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}/`;
  let output = '';
  const server = spawn(
    process.execPath,
    [VERDACCIO_BIN, '--config', join(folder, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
    { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout?.on('data', (chunk) => (output += chunk));
  server.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, server, () => output);
    const userConfigs = new Map<Publisher, string>();
    for (const name of ['releaser', 'intern'] as const) {
      const file = join(folder, `${name}.npmrc`);
      writeFileSync(file, `//127.0.0.1:${port}/:_authToken=${await addUser(url, name)}\n`);
      userConfigs.set(name, file);
    }
    return { url, userConfig: (name) => userConfigs.get(name)!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
