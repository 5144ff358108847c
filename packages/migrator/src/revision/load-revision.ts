/** Imports a revision module on demand: only revisions that are about to run are ever loaded. */
import { readFileSync } from 'node:fs';
import { registerTypeScriptLoader } from '../config/typescript-loader';
import { MigratorError } from '../errors';
import { handFillLinesOf } from './manifest';
import type { RevisionInfo, RevisionModule } from './revision';

export { HAND_FILL_MARKER } from './hand-fill-marker';

export async function loadRevisionModule(info: RevisionInfo): Promise<RevisionModule> {
  let loaded: unknown;
  try {
    if (/\.(ts|cts|mts)$/.test(info.file)) registerTypeScriptLoader();
    loaded = info.file.endsWith('.mjs') ? await import(info.file) : require(info.file);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new MigratorError(
      'REVISION_LOAD_FAILED',
      `Revision ${info.id} (${info.file}) could not be loaded: ${reason}. Fix the file, then run \`dazzle db rehash\`.`,
      { revision: info.id, file: info.file },
      error,
    );
  }
  const mod = loaded as Partial<RevisionModule>;
  if (typeof mod.up !== 'function' || typeof mod.down !== 'function' || !mod.revision) {
    throw new MigratorError(
      'REVISION_INVALID',
      `Revision file ${info.file} must export \`revision\`, \`up\` and \`down\`: compare it with a generated one.`,
      { revision: info.id, file: info.file },
    );
  }
  return mod as RevisionModule;
}

/** Line numbers of hand-fill markers still in a revision file. */
export function unfilledSteps(info: RevisionInfo): readonly number[] {
  return info.handFillLines ?? handFillLinesOf(readFileSync(info.file, 'utf8'));
}
