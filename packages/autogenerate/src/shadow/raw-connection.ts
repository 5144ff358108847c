/**
 * The pg connection under a TypeORM query runner. The down proof sends several statements in one
 * round trip and needs each one's rows back (the catalog queries, the representative rows); a
 * runner's own `query` drops them for a multi-statement string. It is the same connection, so the
 * statements run in the runner's open transaction and see its uncommitted changes.
 */
import { type CatalogSnapshot, type MultiStatementConnection, readCatalogInOneTrip } from '@app/migrator';
import type { QueryRunner } from 'typeorm';

/** pg's Client, as TypeORM's PostgreSQL runner hands it out once connected. */
export async function rawConnection(runner: QueryRunner): Promise<MultiStatementConnection> {
  return (await runner.connect()) as MultiStatementConnection;
}

/**
 * The catalog as the runner's connection sees it, in one round trip (readCatalog, same rows).
 *
 * @example
 * const before = await readShadowCatalog(runner);
 */
export async function readShadowCatalog(runner: QueryRunner): Promise<CatalogSnapshot> {
  return readCatalogInOneTrip(await rawConnection(runner));
}
