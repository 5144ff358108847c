/**
 * The ledger: one row per applied revision. It is the only record of what the schema is at, so
 * every write to it happens in the same transaction as the revision it records.
 */
import { hostname } from 'node:os';
import {
  CREATE_PARAMS_TABLE_SQL,
  CREATE_TYPEORM_METADATA_TABLE_SQL,
  LEDGER_TABLE,
} from '@app/entities-framework';
import type { QueryRunner } from 'typeorm';
import type { Lineage, RevisionInfo } from '../revision/revision';
import { CREATE_REVISION_PROGRESS_SQL } from './revision-progress';

export type LedgerMethod = 'run' | 'stamp' | 'create-all' | 'resolve';

export interface LedgerRow {
  id: string;
  lineage: Lineage;
  parents: string[];
  dependsOn: string[];
  message: string;
  checksum: string;
  appliedAt: Date;
  executionMs: number;
  appliedBy: string;
  method: LedgerMethod;
}

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

/** Who is applying: shown in the ledger and to anyone waiting for the lock. */
export const APPLIED_BY = `${hostname()}:${process.pid}`;

/**
 * The only DDL outside revisions, by design: `_dazzle_params`, TypeORM's side table, and the ledger
 * last (a ledger that exists means the whole bootstrap happened, which is what lets the no-op check
 * read the ledger alone). `upgrade` runs these and `upgrade --sql` prints them: one source.
 */
export const BOOTSTRAP_STATEMENTS: readonly string[] = Object.freeze([
  CREATE_PARAMS_TABLE_SQL,
  CREATE_TYPEORM_METADATA_TABLE_SQL,
  // Added after the first release: IF NOT EXISTS creates it in older ledgers on their next run.
  CREATE_REVISION_PROGRESS_SQL,
  CREATE_LEDGER_SQL,
]);

/** Creates the ledger, `_dazzle_params` and TypeORM's side table if missing, in one transaction. */
export async function bootstrapInfrastructure(db: QueryRunner): Promise<void> {
  await db.query(`BEGIN;\n${BOOTSTRAP_STATEMENTS.join(';\n')};\nCOMMIT`);
}

/** The ledger rows, or undefined before the first bootstrap: the single query the no-op check costs. */
export async function readLedgerIfPresent(db: QueryRunner): Promise<LedgerRow[] | undefined> {
  try {
    return await readLedger(db);
  } catch (error) {
    if ((error as { driverError?: { code?: string } }).driverError?.code === '42P01') return undefined;
    throw error;
  }
}

export async function readLedger(db: QueryRunner): Promise<LedgerRow[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT "id", "lineage", "parents", "depends_on", "message", "checksum", "applied_at", "execution_ms", "applied_by", "method"
     FROM "${LEDGER_TABLE}" ORDER BY "applied_at", "id"`,
  );
  return rows.map((r) => ({
    id: r.id as string,
    lineage: r.lineage as Lineage,
    parents: (r.parents as string[]) ?? [],
    dependsOn: (r.depends_on as string[]) ?? [],
    message: r.message as string,
    checksum: r.checksum as string,
    appliedAt: r.applied_at as Date,
    executionMs: r.execution_ms as number,
    appliedBy: r.applied_by as string,
    method: r.method as LedgerMethod,
  }));
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
