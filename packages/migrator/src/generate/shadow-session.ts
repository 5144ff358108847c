/**
 * Where `revision` and `check` do their work: a DataSource on a database at the committed heads,
 * whose changes are thrown away afterwards. Usually the kept shadow in a rolled-back transaction;
 * a throwaway database when the work cannot run in a transaction, or for `--against database`.
 */
import type { EntityClass } from '@app/metadata-builder';
import type { DataSource } from 'typeorm';
import { databaseNameOf, databaseUrl, openDataSource } from '../database/connect';
import { MigratorError } from '../errors';
import type { RevisionGraph } from '../graph/revision-graph';
import type { MigrationSource } from '../revision/revision-set';
import { inRolledBackSession } from './rolled-back-session';
import { ensureShadowCache, isCompleteKeptShadow, shadowCacheName } from './shadow-cache';
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

/** The kept shadow is missing, half built or unreachable by its own name: bring it up to date first. */
const NOT_READY = Symbol('kept shadow not ready');

/**
 * `work` in a rolled-back session on the kept shadow, if it is complete. The check runs on the
 * session's own connection, so the usual run opens one connection, not two.
 */
async function onKeptShadow<T>(
  url: string,
  entities: readonly EntityClass[],
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T | typeof NOT_READY> {
  let dataSource: DataSource;
  try {
    dataSource = await openDataSource(url, { entities, poolSize: 1 });
  } catch (error) {
    // Usually 3D000 (no such database yet). Any other failure is reported by ensureShadowCache,
    // which names the server the user configured rather than the kept shadow.
    if (error instanceof MigratorError && error.code === 'DATABASE_UNREACHABLE') return NOT_READY;
    throw error;
  }
  try {
    return await inRolledBackSession(dataSource, async (runner) =>
      (await isCompleteKeptShadow(runner, databaseNameOf(url))) ? work(dataSource) : NOT_READY,
    );
  } finally {
    await dataSource.destroy();
  }
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
  const url = databaseUrl(options.serverUrl, shadowCacheName(options.sources, options.graph));
  try {
    let outcome = await onKeptShadow(url, options.entities, work);
    if (outcome === NOT_READY) {
      await ensureShadowCache(options.serverUrl, options.sources, options.graph);
      outcome = await onKeptShadow(url, options.entities, work);
    }
    // Still not ready: another run evicted it in between. A throwaway shadow gives the same answer.
    if (outcome !== NOT_READY) return outcome;
  } catch (error) {
    if (!needsOwnDatabase(error)) throw error;
  }
  return onThrowawayShadow(options, work);
}
