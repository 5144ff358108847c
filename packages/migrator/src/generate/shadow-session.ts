/**
 * Where `revision` and `check` do their work: a DataSource on a database at the committed heads,
 * whose changes are thrown away afterwards. Usually the kept shadow in a rolled-back transaction;
 * a throwaway database when the work cannot run in a transaction, or for `--against database`.
 */
import type { EntityClass } from '@app/metadata-builder';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../database/connect';
import type { RevisionGraph } from '../graph/revision-graph';
import type { MigrationSource } from '../revision/revision-set';
import { inRolledBackSession } from './rolled-back-session';
import { ensureShadowCache } from './shadow-cache';
import { replayRevisions, withShadowDatabase } from './shadow-database';

export interface ShadowSessionOptions {
  serverUrl: string;
  sources: readonly MigrationSource[];
  entities: readonly EntityClass[];
  /** Copy this database (already at its heads) instead of replaying the revisions. */
  cloneOf?: string;
  /** Skip the kept shadow: create, replay and drop a database for this run only. */
  throwaway?: boolean;
  /** The sources' revisions when the caller has already read them (they name the kept shadow). */
  graph?: RevisionGraph;
}

/**
 * 25001: a statement that refuses to run in a transaction block (CREATE INDEX CONCURRENTLY);
 * 55P04: an enum value added in the same transaction that uses it.
 */
const NEEDS_OWN_DATABASE = new Set(['25001', '55P04']);

function needsOwnDatabase(error: unknown): boolean {
  const failure = error as { code?: string; driverError?: { code?: string } };
  return NEEDS_OWN_DATABASE.has(failure.code ?? failure.driverError?.code ?? '');
}

async function onThrowawayShadow<T>(
  options: ShadowSessionOptions,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  return withShadowDatabase(
    options.serverUrl,
    async (shadowUrl) => {
      if (!options.cloneOf) await replayRevisions(shadowUrl, options.sources);
      const dataSource = await openDataSource(shadowUrl, { entities: options.entities });
      try {
        return await work(dataSource);
      } finally {
        await dataSource.destroy();
      }
    },
    { cloneOf: options.cloneOf },
  );
}

/**
 * Runs `work` against a database at the heads and discards whatever it changed. `work` may run
 * twice (once in the kept shadow, then in a throwaway one), so it must not have other side effects.
 */
export async function withShadowSession<T>(
  options: ShadowSessionOptions,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  if (options.cloneOf || options.throwaway) return onThrowawayShadow(options, work);
  const cacheUrl = await ensureShadowCache(options.serverUrl, options.sources, options.graph);
  const dataSource = await openDataSource(cacheUrl, { entities: options.entities, poolSize: 1 });
  try {
    return await inRolledBackSession(dataSource, () => work(dataSource));
  } catch (error) {
    if (!needsOwnDatabase(error)) throw error;
  } finally {
    await dataSource.destroy();
  }
  return onThrowawayShadow(options, work);
}
