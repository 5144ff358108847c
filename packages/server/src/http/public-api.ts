/**
 * Which entities the public CRUD API serves. Framework entities never: the deploy history is an
 * audit trail, sessions hold e-mails and addresses, AI jobs and feedback are operators' business,
 * so they live behind the admin token (only submitting feedback stays public). App entities are
 * public by default, because serving them is what `dazzle serve` is for, and the server listens
 * on 127.0.0.1 unless told otherwise; `server.publicEntities` turns that into an allow-list and
 * `server.privateEntities` takes single entities off.
 */
import { frameworkEntities } from '@app/entities-framework';
import type { DataSource, EntityMetadata } from 'typeorm';

export interface PublicApiOptions {
  /** When given, only these app entities are public. */
  publicEntities?: readonly unknown[];
  /** These app entities are never public. */
  privateEntities?: readonly unknown[];
}

const FRAMEWORK = new Set<unknown>(frameworkEntities);

/** Entities of the framework lineage (served, if at all, by the admin routes). */
export function isFrameworkEntity(entity: EntityMetadata): boolean {
  return FRAMEWORK.has(entity.target);
}

/**
 * The app entities that get public CRUD routes, sorted by table (join tables are reached
 * through their owners).
 *
 * @example
 * publicEntities(dataSource, { privateEntities: [AuditEntry] })
 */
export function publicEntities(dataSource: DataSource, options: PublicApiOptions): EntityMetadata[] {
  return dataSource.entityMetadatas
    .filter((m) => m.tableType !== 'junction' && !isFrameworkEntity(m))
    .filter((m) => !options.publicEntities || options.publicEntities.includes(m.target))
    .filter((m) => !options.privateEntities?.includes(m.target))
    .sort((a, b) => a.tableName.localeCompare(b.tableName));
}
