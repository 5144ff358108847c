/**
 * Every error the migrator raises on purpose, with a stable code. Messages say what happened,
 * to which revision or file, and what to do next; docs/reference/errors.md explains each code.
 */
import { DazzleError } from '@app/entities-framework/base';

/** Every code the migrator raises; docs/reference/errors.md documents each (a test holds them equal). */
export const MIGRATOR_ERROR_CODES = [
  'MANIFEST_MISMATCH',
  'MANIFEST_INVALID',
  'REVISION_INVALID',
  'REVISION_LOAD_FAILED',
  'REVISION_NEEDS_HAND_FILL',
  'DUPLICATE_REVISION_ID',
  'UNKNOWN_PARENT',
  'UNKNOWN_DEPENDENCY',
  'REVISION_CYCLE',
  'MULTIPLE_HEADS',
  'UNKNOWN_TARGET',
  'AMBIGUOUS_TARGET',
  'CHECKSUM_MISMATCH',
  'DATABASE_AHEAD',
  'DOWNGRADE_BLOCKED',
  'DOWNGRADE_DESTROYS_DATA',
  'MIGRATION_FAILED',
  'DATA_WOULD_BE_LOST',
  'MIGRATION_LOCK_TIMEOUT',
  'MIGRATION_LOCK_LOST',
  'POOLER_SESSION_STATE',
  'FLEET_SOURCE_INVALID',
  'REVISION_LOCK_TIMEOUT',
  'REVISION_INCOMPLETE',
  'REVISION_NOT_INCOMPLETE',
  'DATABASE_UNREACHABLE',
  'DATABASE_CONNECTION_LOST',
  'DATABASE_URL_INVALID',
  'EMBEDDED_POSTGRES_FAILED',
  'OFFLINE_UNSUPPORTED',
  'CONFIG_NOT_FOUND',
  'CONFIG_INVALID',
  'MESSAGE_INVALID',
  'WRITE_INTO_NODE_MODULES',
  'NOTHING_TO_MERGE',
  'LINEAGE_DRIFT',
  'RENAME_AMBIGUOUS',
  'DESTRUCTIVE_CHANGE',
  'GENERATION_DID_NOT_CONVERGE',
  'EXPAND_NOT_POSSIBLE',
  'REVISION_RENDER_MISMATCH',
  'NOT_AT_HEADS',
  'SHADOW_CLONE_FAILED',
  'SHADOW_BUSY',
  'TYPESCRIPT_SUPPORT_MISSING',
  'SHADOW_NEEDS_CREATEDB',
  'SCHEMA_DRIFT',
] as const;

export type MigratorErrorCode = (typeof MIGRATOR_ERROR_CODES)[number];

export class MigratorError extends DazzleError {
  declare readonly code: MigratorErrorCode;

  constructor(
    code: MigratorErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    cause?: unknown,
  ) {
    super(code, message, details, cause === undefined ? undefined : { cause });
  }
}
