/**
 * Loads every revision of a plan and holds each one's own header against its manifest entry before
 * the first one runs. The manifest is what the ledger records and what decides transactions; a
 * manifest edited to say something its file does not (another id, `transactional: false`) must be
 * refused, and a file that does not even compile must be found before an earlier revision commits.
 */
import { MigratorError } from '../errors';
import type { RevisionGraph } from '../graph/revision-graph';
import { loadRevisionModule } from './load-revision';
import type { RevisionHeader, RevisionInfo, RevisionModule } from './revision';

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/**
 * Where a manifest entry and the file's header disagree, one phrase per field (empty when they agree).
 *
 * @example
 * headerDisagreements(info, { ...header, transactional: false })
 * // ['transactional: the manifest says true, the file says false']
 */
export function headerDisagreements(info: RevisionInfo, header: RevisionHeader): string[] {
  const fields: Array<[string, unknown, unknown, boolean]> = [
    ['id', info.id, header.id, info.id === header.id],
    ['parents', info.parents, header.parents ?? [], sameList(info.parents, header.parents ?? [])],
    ['dependsOn', info.dependsOn, header.dependsOn ?? [], sameList(info.dependsOn, header.dependsOn ?? [])],
    [
      'transactional',
      info.transactional,
      header.transactional !== false,
      info.transactional === (header.transactional !== false),
    ],
  ];
  return fields
    .filter(([, , , same]) => !same)
    .map(
      ([field, manifest, file]) =>
        `${field}: the manifest says ${JSON.stringify(manifest)}, the file says ${JSON.stringify(file)}`,
    );
}

/**
 * Every module of the plan, loaded (so a syntax error anywhere stops the run before anything is
 * applied) and checked against the manifest.
 *
 * @throws MigratorError REVISION_LOAD_FAILED / REVISION_INVALID for a file that cannot be loaded,
 *   MANIFEST_MISMATCH naming every field of every revision whose header disagrees.
 */
export async function loadVerifiedRevisions(
  graph: RevisionGraph,
  plan: readonly string[],
): Promise<Map<string, RevisionModule>> {
  const modules = new Map<string, RevisionModule>();
  const problems: string[] = [];
  for (const id of plan) {
    const info = graph.get(id)!;
    const module = await loadRevisionModule(info);
    for (const phrase of headerDisagreements(info, module.revision)) problems.push(`${info.file}: ${phrase}`);
    modules.set(id, module);
  }
  if (problems.length > 0) {
    throw new MigratorError(
      'MANIFEST_MISMATCH',
      `The manifest disagrees with the revision headers (${problems.join('; ')}): nothing was run. Run \`dazzle db rehash\` to rebuild the manifest from the files, review the diff, and commit it.`,
      { problems },
    );
  }
  return modules;
}
