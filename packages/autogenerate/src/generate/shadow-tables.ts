/**
 * `revision` reads the shadow's tables and schemas once, before any pre-step, and has its whole
 * catalog at the heads too (the down proof's "before": read then, or stored with the kept shadow).
 * Until a pre-step runs DDL (every one records what it ran in `steps.up`), the shadow is exactly
 * as those readings saw it, inside the session's one transaction, so the orphan checks take their
 * answers from them instead of reading again.
 */
import { type CatalogSnapshot, tablePath } from '@app/migrator';
import type { DataSource } from 'typeorm';
import type { StepResult } from './pre-steps';

export interface ShadowTables {
  /** Every table and view (`schema.table` outside public). */
  tables: Set<string>;
  schemas: Set<string>;
  /** The ordinary tables, in the order findOrphanTables reads them (schema, then name). */
  baseTables: string[];
}

interface TableRow {
  s: string;
  t: string;
  k: string;
}

/** Every table and view outside PostgreSQL's own schemas, schema then name. */
function readTableRows(dataSource: DataSource): Promise<TableRow[]> {
  return dataSource.query(
    `SELECT table_schema AS s, table_name AS t, table_type AS k FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );
}

function baseTablesOf(rows: readonly TableRow[]): string[] {
  return rows.filter((r) => r.k === 'BASE TABLE').map((r) => tablePath(r.s, r.t));
}

/**
 * @example
 * const { tables, schemas, baseTables } = await readShadowTables(dataSource);
 */
export async function readShadowTables(dataSource: DataSource): Promise<ShadowTables> {
  const rows = await readTableRows(dataSource);
  const schemas: Array<{ n: string }> = await dataSource.query('SELECT nspname AS n FROM pg_namespace');
  return {
    tables: new Set(rows.map((r) => tablePath(r.s, r.t))),
    schemas: new Set(schemas.map((r) => r.n)),
    baseTables: baseTablesOf(rows),
  };
}

/** The ordinary tables alone, in the same order (for a caller without the readings above). */
export async function readBaseTables(dataSource: DataSource): Promise<string[]> {
  return baseTablesOf(await readTableRows(dataSource));
}

/** No pre-step has changed the shadow since the first readings. */
export function unchangedSinceRead(steps: StepResult): boolean {
  return steps.up.length === 0;
}

/**
 * Whether TypeORM may have views to load. It finds them only through VIEW and MATERIALIZED_VIEW
 * rows of its metadata table that name an existing relation, so a catalog with neither such a row
 * nor any view holds none for dropOrphanViews to consider (either alone is enough to look).
 */
export function holdsTypeormViews(snapshot: CatalogSnapshot): boolean {
  return (
    Object.keys(snapshot.objects.view).length > 0 ||
    Object.keys(snapshot.typeormMetadata).some(
      (key) => key.startsWith('VIEW.') || key.startsWith('MATERIALIZED_VIEW.'),
    )
  );
}
