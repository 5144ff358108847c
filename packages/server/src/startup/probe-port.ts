/**
 * Checks, before anything touches the database, that the server will be able to listen: a port
 * taken by another process must stop `serve` before it migrates and records a deploy, not after.
 * The same mapping turns a failed listen into a coded error when the port is taken in between.
 */
import { createServer } from 'node:net';
import { ServerError } from '../server-errors';

/**
 * Binds host:port for a moment and lets it go; throws SERVER_PORT_IN_USE (or SERVER_START_FAILED)
 * when that is not possible. Port 0 (any free port) always succeeds and is not probed.
 *
 * @example
 * await probePort('127.0.0.1', 3000); // throws when another process listens on 3000
 */
export async function probePort(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(listenFailure(host, port, error)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** The coded error for a listen that failed. */
export function listenFailure(host: string, port: number, error: unknown): Error {
  const code = (error as { code?: string }).code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE')
    return new ServerError(
      'SERVER_PORT_IN_USE',
      `${where} is already in use by another process, so nothing was migrated or started: stop the other process, or pick another port with --port or PORT (or server.port in the config).`,
      { host, port },
    );
  if (code === 'EACCES')
    return new ServerError(
      'SERVER_START_FAILED',
      `Not allowed to listen on ${where} (ports below 1024 need privileges): pick a port above 1023 with --port or PORT.`,
      { host, port, code },
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ServerError(
      'SERVER_START_FAILED',
      `Cannot listen on ${where}: ${host} is not an address of this machine; pick another with --host (127.0.0.1, or 0.0.0.0 for every interface).`,
      { host, port, code },
    );
  return error instanceof Error ? error : new Error(String(error));
}
