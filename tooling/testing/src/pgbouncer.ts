/**
 * A real PgBouncer in front of a test server, for the tests that prove the migrator works through
 * a connection pooler. It listens on a free loopback port, runs in the foreground as a child of the
 * test (as `nobody` when the test runs as root: PgBouncer refuses to run as root), and its config
 * and log live in a temporary folder removed on stop. When PgBouncer is not installed, suites skip
 * and print why (`pgBouncerUnavailableReason`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { findFreePort } from './providers/embedded.js';

export type PoolMode = 'session' | 'transaction';

export interface PgBouncer {
  readonly mode: PoolMode;
  readonly port: number;
  /** The URL of a database through the pooler: same user, password and database name as `serverUrl`'s. */
  urlFor(directUrl: string): string;
  /** Everything PgBouncer logged, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Where the pgbouncer executable is: PATH first, then the sbin folders Debian installs it to. */
export function findPgBouncer(): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const folder of folders) {
    const candidate = join(folder, 'pgbouncer');
    if (folder && existsSync(candidate) && spawnSync(candidate, ['--version']).status === 0) return candidate;
  }
  return undefined;
}

/** Why pooler tests cannot run here, or undefined when they can. */
export function pgBouncerUnavailableReason(): string | undefined {
  return findPgBouncer()
    ? undefined
    : 'pgbouncer is not installed (apt-get install -y pgbouncer, or your system package manager)';
}

/**
 * Starts PgBouncer in front of the server `serverUrl` points at, in the given pool mode.
 *
 * @example
 * const bouncer = await startPgBouncer(db.url, 'transaction');
 * try { await run(bouncer.urlFor(db.url)); } finally { await bouncer.stop(); }
 */
export async function startPgBouncer(serverUrl: string, mode: PoolMode): Promise<PgBouncer> {
  const executable = findPgBouncer();
  if (!executable) throw new Error(pgBouncerUnavailableReason());
  const server = new URL(serverUrl);
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'dazzle-pgbouncer-'));
  chmodSync(dir, 0o755);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  const config = join(dir, 'pgbouncer.ini');
  writeFileSync(
    config,
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || '5432'} user=${user} password=${password}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      `pool_mode = ${mode}`,
      'max_client_conn = 500',
      // Session pooling pins one server connection per client: room for every runner's two.
      'default_pool_size = 60',
      'ignore_startup_parameters = extra_float_digits,options',
      'server_check_delay = 0',
      'logfile =',
      'pidfile =',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asUser = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child: ChildProcess = spawn(executable, [...asUser, config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const urlFor = (directUrl: string): string => {
    const url = new URL(directUrl);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    return url.toString();
  };
  const stop = async (): Promise<void> => {
    if (running) {
      child.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready once a client gets through to the server.
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (!running) {
      await stop();
      throw new Error(`pgbouncer exited before accepting connections: ${log}`);
    }
    const client = new pg.Client({ connectionString: urlFor(serverUrl) });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`pgbouncer did not accept connections within 15 s (${String(error)}): ${log}`);
      }
      await sleep(100);
    }
  }
  return { mode, port, urlFor, log: () => log, stop };
}
