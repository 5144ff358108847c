/**
 * Provider 1: a server the developer or CI already runs, named by TEST_DATABASE_URL or DATABASE_URL.
 * Nothing is started or stopped; suites create and drop their own databases on it.
 */
import type { PostgresServer } from './postgres-server.js';

export function serverFromEnvironment(env: NodeJS.ProcessEnv = process.env): PostgresServer | undefined {
  const adminUrl = env.TEST_DATABASE_URL || env.DATABASE_URL;
  if (!adminUrl) return undefined;
  const name = env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'DATABASE_URL';
  return {
    provider: 'environment',
    adminUrl,
    description: `server from ${name} (${maskPassword(adminUrl)})`,
    stop: async () => {},
  };
}

/** Replaces the password of a connection URL with `***` so it can be printed. */
export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}
