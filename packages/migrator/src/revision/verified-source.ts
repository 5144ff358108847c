/**
 * The text of each revision file as it was when its checksum was verified. Running compiles this
 * text rather than reading the file again, so what runs is exactly what was checked, even if the
 * file changes on disk in between, and a long upgrade reads each file once. The text is carried by
 * the revision itself (`RevisionInfo.source`), never looked up beside it.
 */
import { MigratorError } from '../errors';
import type { RevisionInfo } from './revision';

/**
 * The verified text of a revision.
 *
 * @throws MigratorError REVISION_LOAD_FAILED for a revision that was never read and verified.
 */
export function sourceOf(info: RevisionInfo): string {
  if (info.source !== undefined) return info.source;
  throw new MigratorError(
    'REVISION_LOAD_FAILED',
    `Revision ${info.id} (${info.file}) carries no verified text: read its folder with readRevisionGraph before running it.`,
    { revision: info.id, file: info.file },
  );
}
