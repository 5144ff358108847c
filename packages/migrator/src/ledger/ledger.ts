/**
 * The ledger: one row per applied revision. It is the only record of what the schema is at, so
 * every write to it happens in the same transaction as the revision it records.
 */
import {
  CREATE_PARAMS_TABLE_SQL,
  CREATE_TYPEORM_METADATA_TABLE_SQL,
  LEDGER_TABLE,
} from '@app/entities-framework/base';
import type { QueryRunner } from 'typeorm';
import { CREATE_MIGRATION_LEASE_SQL, LOCK_CLASS_ID } from '../lock/migration-lock';
import type { RevisionInfo } from '../revision/revision';
import {
  APPLIED_BY,
  type LedgerMethod,
  type LedgerRow,
  ledgerRowsOf,
  SELECT_LEDGER_SQL,
  UNDEFINED_TABLE,
} from './ledger-rows';
import { CREATE_REVISION_PROGRESS_SQL } from './revision-progress';

export { APPLIED_BY, type LedgerMethod, type LedgerRow } from './ledger-rows';

const CREATE_LEDGER_SQL = `CREATE TABLE IF NOT EXISTS "${LEDGER_TABLE}" (
  "id" varchar(255) NOT NULL,
  "lineage" varchar(20) NOT NULL,
  "parents" text[] NOT NULL DEFAULT '{}',
  "depends_on" text[] NOT NULL DEFAULT '{}',
  "message" text NOT NULL,
  "checksum" char(64) NOT NULL,
  "applied_at" timestamptz NOT NULL DEFAULT now(),
  "execution_ms" integer NOT NULL DEFAULT 0,
  "applied_by" text NOT NULL,
  "method" varchar(12) NOT NULL DEFAULT 'run',
  CONSTRAINT "PK__dazzle_migrations" PRIMARY KEY ("id")
)`;

/**
 * The only DDL outside revisions, by design: `_dazzle_params`, TypeORM's side table, and the ledger
 * last (a ledger that exists means the whole bootstrap happened, which is what lets the no-op check
 * read the ledger alone). `upgrade` runs these and `upgrade --sql` prints them: one source.
 */
export const BOOTSTRAP_STATEMENTS: readonly string[] = Object.freeze([
  CREATE_PARAMS_TABLE_SQL,
  CREATE_TYPEORM_METADATA_TABLE_SQL,
  // The migration lock's lease row; IF NOT EXISTS is also how a ledger made before it gains it.
  CREATE_MIGRATION_LEASE_SQL,
  // Added after the first release: IF NOT EXISTS creates it in older ledgers on their next run.
  CREATE_REVISION_PROGRESS_SQL,
  CREATE_LEDGER_SQL,
]);

/**
 * Creates the ledger, the lock's lease table, `_dazzle_params` and TypeORM's side table if missing,
 * in one transaction. It runs before the migration lock is taken (the lock lives in one of these
 * tables), so concurrent runners queue on a transaction-scoped advisory lock, which any pooler keeps.
 */
export async function bootstrapInfrastructure(db: QueryRunner): Promise<void> {
  await db.query(
    `BEGIN;\nSELECT pg_advisory_xact_lock(${LOCK_CLASS_ID}, ${BOOTSTRAP_LOCK_OBJECT_ID});\n${BOOTSTRAP_STATEMENTS.join(';\n')};\nCOMMIT`,
  );
}

/** The bootstrap's transaction-scoped advisory lock: 'DAZZ', 2. */
const BOOTSTRAP_LOCK_OBJECT_ID = 2;

/** The ledger rows, or undefined before the first bootstrap: the single query the no-op check costs. */
export async function readLedgerIfPresent(db: QueryRunner): Promise<LedgerRow[] | undefined> {
  try {
    return await readLedger(db);
  } catch (error) {
    if ((error as { driverError?: { code?: string } }).driverError?.code === UNDEFINED_TABLE)
      return undefined;
    throw error;
  }
}

export async function readLedger(db: QueryRunner): Promise<LedgerRow[]> {
  return ledgerRowsOf(await db.query(SELECT_LEDGER_SQL));
}

export function insertLedgerRowSql(): string {
  return `INSERT INTO "${LEDGER_TABLE}" ("id", "lineage", "parents", "depends_on", "message", "checksum", "execution_ms", "applied_by", "method")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
}

export function ledgerRowParameters(
  revision: RevisionInfo,
  executionMs: number,
  method: LedgerMethod,
  appliedBy: string = APPLIED_BY,
): unknown[] {
  return [
    revision.id,
    revision.lineage,
    [...revision.parents],
    [...revision.dependsOn],
    revision.message,
    revision.checksum,
    Math.round(executionMs),
    appliedBy,
    method,
  ];
}

export async function insertLedgerRow(
  db: QueryRunner,
  revision: RevisionInfo,
  executionMs: number,
  method: LedgerMethod,
): Promise<void> {
  await db.query(insertLedgerRowSql(), ledgerRowParameters(revision, executionMs, method));
}

export function deleteLedgerRowSql(): string {
  return `DELETE FROM "${LEDGER_TABLE}" WHERE "id" = $1`;
}

export async function deleteLedgerRow(db: QueryRunner, id: string): Promise<void> {
  await db.query(deleteLedgerRowSql(), [id]);
}

export async function updateLedgerChecksum(db: QueryRunner, id: string, checksum: string): Promise<void> {
  await db.query(`UPDATE "${LEDGER_TABLE}" SET "checksum" = $2 WHERE "id" = $1`, [id, checksum]);
}
