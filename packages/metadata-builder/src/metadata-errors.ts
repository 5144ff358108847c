/** Errors raised while assembling entity metadata; codes are documented in docs/reference/errors.md. */
import { DazzleError } from '@app/entities-framework';

/** Every code metadata assembly raises, each documented in docs/reference/errors.md. */
export const METADATA_ERROR_CODES = [
  'METADATA_TABLE_COLLISION',
  'METADATA_DUPLICATE_TABLE',
  'METADATA_RELATION_TO_VIRTUAL',
  'METADATA_NO_PRIMARY_COLUMN',
  'METADATA_NOT_AN_ENTITY',
] as const;

export type MetadataErrorCode = (typeof METADATA_ERROR_CODES)[number];

export class MetadataError extends DazzleError {
  declare readonly code: MetadataErrorCode;

  constructor(code: MetadataErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
