/**
 * @app/entities-framework/base: the framework's errors, table names and migrations folder without
 * its entity classes. The entity classes load TypeORM (their decorators run on import); commands
 * that only read the ledger and the revision folders (`dazzle db current`) import this door so a
 * cold start costs no TypeORM. The main door re-exports the same modules, so `DazzleError` is one
 * class whichever door it came through.
 */
export { DazzleError, isDazzleError } from './errors';
export { FRAMEWORK_LINEAGE, frameworkMigrationsDir } from './framework-migrations';
export {
  CREATE_PARAMS_TABLE_SQL,
  CREATE_TYPEORM_METADATA_TABLE_SQL,
  INFRASTRUCTURE_TABLES,
  LEDGER_TABLE,
  PARAMS_TABLE,
  TYPEORM_METADATA_TABLE,
} from './params/params-table';
