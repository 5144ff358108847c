/**
 * `migrations.online: { except: [...] }`: the tables whose statements `revision` leaves exactly as
 * TypeORM writes them (one transaction, no CONCURRENTLY / NOT VALID / CHECK steps) while every
 * other table is still rewritten online. Names are entity classes or tables, as a user thinks of
 * them; a name that matches neither is a typo that would silently keep a big table blocking, so it
 * stops the command with one line naming it and what exists. Pure: setting and entities in.
 */
import type { TableOwner } from '@app/metadata-builder';
import { MigratorError } from '../errors';
import type { OnlineSetting } from './config';
import { nearestKey } from './validate-config';

/** The tables (`table`, or `schema.table`) the app opted out of online rewrites; empty when none. */
export type OnlineOptOut = ReadonlySet<string>;

/** The names `except` lists: an entity class, its table, or `schema.table`. */
function namesOf(owner: TableOwner): string[] {
  const bare = owner.table.includes('.') ? owner.table.slice(owner.table.lastIndexOf('.') + 1) : owner.table;
  return [owner.entity, owner.table, ...(owner.table.startsWith('public.') ? [bare] : [])];
}

/**
 * Resolves `migrations.online` to the tables it opts out; throws CONFIG_INVALID for a name that is
 * neither an entity class nor a table of the app.
 *
 * @param file the config file, named in the error.
 * @example
 * onlineOptOut({ except: ['AuditEvent'] }, metadata.owners, '/app/dazzle.config.ts'); // Set { 'audit_event' }
 */
export function onlineOptOut(
  setting: OnlineSetting | undefined,
  owners: readonly TableOwner[],
  file: string,
): OnlineOptOut {
  if (setting === undefined || typeof setting === 'boolean') return new Set();
  const tables = owners.filter((o) => o.kind === 'table');
  const byName = new Map(tables.flatMap((o) => namesOf(o).map((name) => [name, o.table] as const)));
  const optedOut = new Set<string>();
  for (const name of setting.except ?? []) {
    const table = byName.get(name);
    if (table !== undefined) {
      optedOut.add(table);
      continue;
    }
    const near = nearestKey(name, [...byName.keys()]);
    const known = tables
      .filter((o) => o.lineage === 'app')
      .map((o) => `${o.entity} (${o.table})`)
      .join(', ');
    throw new MigratorError(
      'CONFIG_INVALID',
      `${file}: \`migrations.online.except\` names "${name}", which is neither an entity class nor a table of this app${near ? ` (did you mean "${near}"?)` : ''}; entities: ${known || 'none'}. Fix it in the file and run the command again.`,
      { file, name },
    );
  }
  return optedOut;
}
