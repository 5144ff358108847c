/**
 * Reads the ledger with one plain pg client: connect, one SELECT, close. `dazzle db current`,
 * `history` and the no-op `upgrade` check need nothing more, and a TypeORM DataSource costs a cold
 * process more than the rest of the command. The connection settings are the ones the DataSource
 * passes to pg (the URL, the application name, a 10 s connect timeout), so both read the same rows
 * the same way, and a failure is worded by the same connectionFailure.
 */
import { assertPostgresUrl } from '../database/connection-errors';
import { withPgClient } from '../database/with-pg-client';
import { APPLIED_BY, type LedgerRow, ledgerRowsOf, SELECT_LEDGER_SQL, UNDEFINED_TABLE } from './ledger-rows';

/**
 * The ledger rows, or undefined when the database has no ledger yet (never upgraded).
 *
 * @example
 * const rows = (await readLedgerOverPg(url)) ?? [];
 */
export async function readLedgerOverPg(url: string): Promise<LedgerRow[] | undefined> {
  assertPostgresUrl(url);
  return withPgClient(
    url,
    async (client) => {
      try {
        return ledgerRowsOf((await client.query<Record<string, unknown>>(SELECT_LEDGER_SQL)).rows);
      } catch (error) {
        if ((error as { code?: string }).code === UNDEFINED_TABLE) return undefined;
        throw error;
      }
    },
    { applicationName: `dazzle-migrator ${APPLIED_BY}`, connectionTimeoutMillis: 10_000 },
  );
}
