/**
 * The contract every test database provider fulfils: a running PostgreSQL server that allows
 * CREATE DATABASE, reachable at `adminUrl`, and a way to release it.
 */
export type ProviderName = 'environment' | 'testcontainers' | 'embedded';

export interface PostgresServer {
  readonly provider: ProviderName;
  /** A URL whose user may create and drop databases. */
  readonly adminUrl: string;
  /** Human-readable detail for the one line printed at the start of a run. */
  readonly description: string;
  stop(): Promise<void>;
}
