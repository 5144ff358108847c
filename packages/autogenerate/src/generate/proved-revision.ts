/**
 * The last check before a generated revision is written: its file, loaded and run against a
 * recording runner, must send exactly the statements that were applied and proved on the shadow.
 * That is what lets the kept shadow keep those statements as the revision instead of running the
 * file again, and it catches a file that would run something other than what was proved.
 */

import { loadRevisionModule, MigratorError, recordStatements, scriptStatement } from '@app/migrator';
import type { RenderedStatement } from '../authoring/render-revision';
import type { PreparedRevision } from '../authoring/write-revision';

/**
 * @throws MigratorError REVISION_RENDER_MISMATCH naming the first statement that differs.
 */
export async function assertRunsWhatWasProved(
  prepared: PreparedRevision,
  proved: readonly RenderedStatement[],
): Promise<void> {
  // The file does not exist yet: it is compiled from the text that is about to be written.
  const info = { ...prepared.info, source: prepared.content };
  const sent = await recordStatements(info, await loadRevisionModule(info), 'up');
  const expected = proved.map((s) => scriptStatement(s.sql));
  const at = expected.findIndex((sql, i) => sent[i] !== sql);
  if (at < 0 && sent.length === expected.length) return;
  const index = at < 0 ? expected.length : at;
  throw new MigratorError(
    'REVISION_RENDER_MISMATCH',
    `The revision file rendered for "${info.message}" would not run what was proved on the shadow (statement ${index + 1}: expected ${expected[index] ?? 'nothing'}, the file sends ${sent[index] ?? 'nothing'}). Nothing was written. This is a dazzle bug: please report it with the change; write this change with --empty meanwhile.`,
    { revision: info.id, expected, sent },
  );
}

/** A proved revision the kept shadow may keep: one that runs in a transaction and needs no hand edit. */
export function keepable(prepared: PreparedRevision): boolean {
  return prepared.info.transactional && (prepared.info.handFillLines?.length ?? 0) === 0;
}
