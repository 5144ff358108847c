/**
 * Decorators that tell the migrator what an entity means, not just what it looks like now:
 * which store backs a virtual entity, and which old column or table name a field used to have.
 * They store plain data on the class, read back by the metadata builder; nothing global is mutated.
 */

const VIRTUAL_STORE = Symbol.for('dazzle.virtualStore');
const RENAMED_COLUMNS = Symbol.for('dazzle.renamedColumns');
const RENAMED_TABLE = Symbol.for('dazzle.renamedTable');

/** The non-PostgreSQL stores a virtual entity can be backed by. */
export type VirtualStoreName = 'health' | 'metrics' | 'process-runs' | 'logs' | 'event-traces';

type Constructor = abstract new (...args: never[]) => unknown;
type Tagged = Record<symbol, unknown>;

/**
 * Marks an entity as virtual: its rows live in the named store, never in a PostgreSQL table.
 *
 * @example
 * \@VirtualEntity('health')
 * \@Entity('system_health')
 * export class SystemHealth { ... }
 */
export function VirtualEntity(store: VirtualStoreName): ClassDecorator {
  return (target) => {
    (target as unknown as Tagged)[VIRTUAL_STORE] = store;
  };
}

/** The store behind a virtual entity, or undefined for a persisted one. */
export function virtualStoreOf(entity: Constructor | string | object): VirtualStoreName | undefined {
  if (typeof entity !== 'function') return undefined;
  return Object.hasOwn(entity, VIRTUAL_STORE)
    ? ((entity as unknown as Tagged)[VIRTUAL_STORE] as VirtualStoreName)
    : undefined;
}

/**
 * Says that a column used to be called `oldName`, so the next generated revision renames it
 * instead of dropping it and adding an empty one. Remove the hint once the revision is committed.
 *
 * @example
 * \@RenamedFrom('bank_reference')
 * \@Column({ name: 'bank_account_ref' }) bankAccountRef: string;
 */
export function RenamedFrom(oldName: string): PropertyDecorator {
  return (target, propertyKey) => {
    const ctor = target.constructor as unknown as Tagged;
    const hints = Object.hasOwn(ctor, RENAMED_COLUMNS)
      ? (ctor[RENAMED_COLUMNS] as Map<string, string>)
      : new Map();
    hints.set(String(propertyKey), oldName);
    ctor[RENAMED_COLUMNS] = hints;
  };
}

/** Says that an entity's table used to be called `oldName`. */
export function TableRenamedFrom(oldName: string): ClassDecorator {
  return (target) => {
    (target as unknown as Tagged)[RENAMED_TABLE] = oldName;
  };
}

/** Property name → previous column name, as declared with {@link RenamedFrom}. */
export function columnRenameHints(entity: Constructor): ReadonlyMap<string, string> {
  return Object.hasOwn(entity, RENAMED_COLUMNS)
    ? ((entity as unknown as Tagged)[RENAMED_COLUMNS] as Map<string, string>)
    : new Map();
}

export function tableRenameHint(entity: Constructor): string | undefined {
  return Object.hasOwn(entity, RENAMED_TABLE)
    ? ((entity as unknown as Tagged)[RENAMED_TABLE] as string)
    : undefined;
}
