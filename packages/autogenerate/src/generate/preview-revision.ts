/**
 * What `revision` would write, for `check`: the same planning on the shadow (pre-steps, guards,
 * rewrites, the down proof), rolled back, per lineage that has changes. Where `revision` would
 * stop (a rename to decide, a destructive change to allow), the preview says that instead, with
 * the same code and message. One function answers "what would the revision be" for both verbs.
 */

import type { BuiltMetadata, Lineage } from '@app/metadata-builder';
import { type MigrationSource, MigratorError, readRevisionGraph } from '@app/migrator';
import { shadowServerOf } from '../shadow/shadow-server';
import { withShadowSession } from '../shadow/shadow-session';
import { type GenerateRevisionOptions, planOnShadow } from './generate-revision';

/** Where `revision` stops and asks the user for something; any other failure is the check's own. */
const WOULD_STOP = new Set([
  'RENAME_AMBIGUOUS',
  'DESTRUCTIVE_CHANGE',
  'LINEAGE_DRIFT',
  'GENERATION_DID_NOT_CONVERGE',
]);

export interface RevisionPreview {
  lineage: Lineage;
  /** The statements `revision` would write in up(), in order. */
  up: string[];
  /** The statements it would write in down(). */
  down: string[];
  /** Where `revision` would stop instead of writing, with its error code and message. */
  refused?: { code: string; message: string };
}

/**
 * Plans, without writing, the next revision of each lineage.
 *
 * @example
 * const [app] = await previewRevisions({ serverUrl, sources, metadata, lineages: ['app'] });
 */
export async function previewRevisions(
  options: {
    serverUrl: string;
    sources: readonly MigrationSource[];
    metadata: BuiltMetadata;
    lineages: readonly Lineage[];
    freshShadow?: boolean;
  } & Pick<GenerateRevisionOptions, 'shadowServerUrl' | 'online'>,
): Promise<RevisionPreview[]> {
  const graph = readRevisionGraph(options.sources);
  const previews: RevisionPreview[] = [];
  for (const lineage of options.lineages) {
    const session = {
      // The same shadow server `revision` uses: a managed database may refuse CREATE DATABASE.
      serverUrl: shadowServerOf(options.serverUrl, options.shadowServerUrl),
      sources: options.sources,
      entities: options.metadata.entities,
      throwaway: options.freshShadow,
      graph,
    };
    const plan = { ...options, lineage, message: 'preview' };
    try {
      const planned = await withShadowSession(session, (dataSource) => planOnShadow(plan, graph, dataSource));
      if ('from' in planned) continue; // only with a confirmRename, which a preview never passes
      previews.push({ lineage, up: planned.up.map((s) => s.sql), down: planned.down.map((s) => s.sql) });
    } catch (error) {
      if (!(error instanceof MigratorError) || !WOULD_STOP.has(error.code)) throw error;
      previews.push({ lineage, up: [], down: [], refused: { code: error.code, message: error.message } });
    }
  }
  return previews;
}
