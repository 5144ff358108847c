/**
 * Where `revision` and `check` do their work: a DataSource on a database at the committed heads,
 * whose changes are thrown away afterwards, except a new revision that `revision` proved there.
 * Usually the kept shadow in a transaction; a throwaway database when the work cannot run in a
 * transaction, or for `--against database` and `--fresh-shadow`.
 */
import type { EntityClass } from '@app/metadata-builder';
import {
  type CatalogSnapshot,
  databaseUrl,
  type MigrationSource,
  MigratorError,
  openDataSource,
  type RevisionGraph,
  type RevisionInfo,
  readRevisionGraph,
} from '@app/migrator';
import type { DataSource } from 'typeorm';
import {
  checkKeptShadow,
  connectForPromotion,
  type EarlyPromotion,
  ensureKeptShadow,
  keepSessionAs,
  keptShadowName,
} from './kept-shadow';
import { inRolledBackSession } from './rolled-back-session';
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

/** What `work` can ask of the session besides its DataSource. */
export interface ShadowSession {
  /**
   * Keep what this session applied, as `revision`, instead of rolling it back: for a `revision`
   * run whose statements were applied and proved here and are exactly what the new file runs.
   * The kept shadow then already holds the new revision, so the next run replays nothing. Ignored
   * on a throwaway shadow.
   */
  keep(revision: RevisionInfo, holds?: CatalogSnapshot): void;
  /**
   * The catalog of the database at the heads, when the kept shadow has it stored (kept-catalog.ts);
   * undefined means read it. `holds` given to `keep` is stored the same way: the catalog once the
   * revision is applied, which is what the kept shadow then holds.
   */
  catalogAtHeads: CatalogSnapshot | undefined;
  /**
   * The work is likely to `keep` a revision: the connection the kept shadow's rename needs is
   * opened now, while the work goes on, instead of after it. Ignored on a throwaway shadow.
   */
  expectKeep(): void;
}

type SessionWork<T> = (dataSource: DataSource, session: ShadowSession) => Promise<T>;
const THROWAWAY: ShadowSession = { keep: () => {}, catalogAtHeads: undefined, expectKeep: () => {} };

/**
 * 25001: a statement that refuses to run in a transaction block (CREATE INDEX CONCURRENTLY);
 * 55P04: an enum value added in the same transaction that uses it.
 */
const NEEDS_OWN_DATABASE = new Set(['25001', '55P04']);

function needsOwnDatabase(error: unknown): boolean {
  const failure = error as { code?: string; driverError?: { code?: string } };
  return NEEDS_OWN_DATABASE.has(failure.code ?? failure.driverError?.code ?? '');
}

async function onThrowawayShadow<T>(options: ShadowSessionOptions, work: SessionWork<T>): Promise<T> {
  return withShadowDatabase(
    options.serverUrl,
    async (shadowUrl) => {
      if (!options.cloneOf) await replayRevisions(shadowUrl, options.sources, options.graph);
      const dataSource = await openDataSource(shadowUrl, { entities: options.entities });
      try {
        return await work(dataSource, THROWAWAY);
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
 * session's own connection, so the usual run opens one connection, not two. A revision that
 * `work` asks to keep is committed instead, and the kept shadow renamed after the new set.
 */
async function onKeptShadow<T>(
  options: ShadowSessionOptions,
  graph: RevisionGraph,
  work: SessionWork<T>,
): Promise<T | typeof NOT_READY> {
  const name = keptShadowName(options.sources, graph);
  const url = databaseUrl(options.serverUrl, name);
  let dataSource: DataSource;
  try {
    dataSource = await openDataSource(url, { entities: options.entities, poolSize: 1 });
  } catch (error) {
    // Usually 3D000 (no such database yet). Any other failure is reported by ensureKeptShadow,
    // which names the server the user configured rather than the kept shadow.
    if (error instanceof MigratorError && error.code === 'DATABASE_UNREACHABLE') return NOT_READY;
    throw error;
  }
  let keptAs: string | undefined;
  let promotion: EarlyPromotion | undefined;
  try {
    return await inRolledBackSession(dataSource, async (runner) => {
      const check = await checkKeptShadow(runner, name);
      if (!check.complete) return NOT_READY;
      let kept: { revision: RevisionInfo; holds: CatalogSnapshot | undefined } | undefined;
      const expectKeep = () => {
        promotion ??= connectForPromotion(options.serverUrl);
      };
      const result = await work(dataSource, {
        keep: (revision, holds) => {
          kept = { revision, holds };
          expectKeep();
        },
        catalogAtHeads: check.catalog,
        expectKeep,
      });
      if (kept) {
        const next = keptShadowName(options.sources, graph, [kept.revision]);
        const holds = kept.holds && { catalog: kept.holds, serverVersion: check.serverVersion };
        if (await keepSessionAs(runner, name, kept.revision, next, holds)) keptAs = next;
      }
      return result;
    });
  } finally {
    await dataSource.destroy();
    // After the DataSource is closed: a database with connections cannot be renamed.
    // `keep` opened the rename's connection, if `expectKeep` had not already.
    if (keptAs) await promotion?.promote(name, keptAs);
    else await promotion?.close();
  }
}

/**
 * Runs `work` against a database at the heads and discards whatever it changed, unless it asks
 * to keep a revision it proved (see ShadowSession). `work` may run twice (once in the kept shadow,
 * then in a throwaway one), so it must not have other side effects.
 */
export async function withShadowSession<T>(options: ShadowSessionOptions, work: SessionWork<T>): Promise<T> {
  if (options.cloneOf || options.throwaway) return onThrowawayShadow(options, work);
  const graph = options.graph ?? readRevisionGraph(options.sources);
  try {
    let outcome = await onKeptShadow(options, graph, work);
    if (outcome === NOT_READY) {
      await ensureKeptShadow(options.serverUrl, options.sources, graph);
      outcome = await onKeptShadow(options, graph, work);
    }
    // Still not ready: another run evicted it in between. A throwaway shadow gives the same answer.
    if (outcome !== NOT_READY) return outcome;
  } catch (error) {
    if (!needsOwnDatabase(error)) throw error;
  }
  return onThrowawayShadow(options, work);
}
