/**
 * The migrator's full API, loaded on first use. Requiring `@app/migrator` loads TypeORM and the
 * framework's entity classes: most of a cold start. `dazzle db current`, `history`, `heads` and a
 * no-op `upgrade` answer from `@app/migrator/inspect` alone, so command modules import the full
 * API's types at the top and its values through this function, inside the actions that need them.
 *
 * @example
 * const { generateRevision } = migratorApi();
 */
export function migratorApi(): typeof import('@app/migrator') {
  return require('@app/migrator') as typeof import('@app/migrator');
}
