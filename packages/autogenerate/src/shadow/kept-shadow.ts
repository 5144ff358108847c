/**
 * The kept shadow: a database on the development server already replayed to one exact set of
 * revisions, so `revision` and `check` skip creating a database and replaying history. It is named
 * after that set (ids and checksums): a new revision means another name, reached by renaming the
 * previous one and running just the new revision; an edited or removed one means a fresh replay.
 * Work on it always rolls back, so between builds it holds exactly the replayed history.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { TYPEORM_METADATA_TABLE } from '@app/entities-framework';
import {
  type CatalogSnapshot,
  databaseUrl,
  inlineParameters,
  insertLedgerRowSql,
  LOCK_CLASS_ID,
  ledgerRowParameters,
  type MigrationSource,
  quoteIdent,
  type RevisionGraph,
  type RevisionInfo,
  readRevisionGraph,
} from '@app/migrator';
import pg from 'pg';
import type { QueryRunner } from 'typeorm';
import {
  KEPT_CATALOG_COLUMNS,
  type KeptCatalogRow,
  keptCatalogFrom,
  recordKeptCatalog,
  storeKeptCatalogSql,
} from './kept-catalog';
import { type CompletedKeptShadow, keptShadowsToEvict, projectPrefixOf } from './kept-shadow-bounds';
import { createDatabase, onServer, replayRevisions } from './shadow-database';

/** Bump when what a kept shadow holds changes meaning (e.g. the bootstrap tables change). */
const KEPT_SHADOW_FORMAT = 1;
export const KEPT_SHADOW_PREFIX = 'dazzle_cache_';

function digest(parts: readonly string[], length: number): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, length);
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * `dazzle_cache_<project>_<revision set>`: the project part lets a new kept shadow replace the
 * project's previous one without touching other projects' on a shared server.
 */
export function keptShadowName(
  sources: readonly MigrationSource[],
  graph: RevisionGraph = readRevisionGraph(sources),
  /** Revisions about to join the folders (a revision being written). */
  added: readonly RevisionInfo[] = [],
): string {
  const project = digest(
    sources.map((s) => `${s.lineage}:${realDir(s.dir)}`),
    8,
  );
  const revisions = [...graph.all(), ...added].map((r) => `${r.lineage}:${r.id}:${r.checksum}`).sort();
  return `${KEPT_SHADOW_PREFIX}${project}_${digest([`format ${KEPT_SHADOW_FORMAT}`, ...revisions], 16)}`;
}

/**
 * The database's comment once it is at its heads, with the time: a kept shadow without it is half
 * built; the time lets eviction spare other projects' recent ones.
 */
const COMPLETE = 'dazzle kept shadow, complete at ';
const completeNow = () => `${COMPLETE}${new Date().toISOString()}`;
/** Second key of the advisory lock held while building a kept shadow (the first is 'DAZZ'). */
const BUILD_LOCK_ID = 3;

type KeptShadowState = 'complete' | 'partial' | 'missing';
const STATE_QUERY = `SELECT shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname = $1`;

function stateFrom(rows: ReadonlyArray<{ note: string | null }>): KeptShadowState {
  if (rows.length === 0) return 'missing';
  return rows[0]!.note?.startsWith(COMPLETE) ? 'complete' : 'partial';
}

async function stateOf(c: pg.Client, name: string): Promise<KeptShadowState> {
  return stateFrom((await c.query<{ note: string | null }>(STATE_QUERY, [name])).rows);
}

/** What a session learns about the kept shadow it is connected to, before it starts. */
export interface KeptShadowCheck {
  complete: boolean;
  /** The catalog it holds, when one was stored for it (kept-catalog.ts). */
  catalog: CatalogSnapshot | undefined;
  /** `server_version_num`, which a catalog stored from this session is marked with. */
  serverVersion: string;
}

/**
 * Whether the database a session is already connected to is a complete kept shadow, and the
 * catalog stored with it. Asked on the session's own connection in one round trip, so the usual
 * run (kept shadow at the heads) opens no second connection.
 */
export async function checkKeptShadow(runner: QueryRunner, name: string): Promise<KeptShadowCheck> {
  const rows: Array<{ note: string | null } & KeptCatalogRow> = await runner.query(
    `SELECT shobj_description(oid, 'pg_database') AS note, ${KEPT_CATALOG_COLUMNS} FROM pg_database WHERE datname = $1`,
    [name],
  );
  const complete = stateFrom(rows) === 'complete';
  return {
    complete,
    catalog: complete ? keptCatalogFrom(rows[0], name) : undefined,
    serverVersion: rows[0]?.server_version ?? '',
  };
}

export interface KeptShadow {
  name: string;
  /** When it was completed (ISO), or undefined while half built. */
  completedAt: string | undefined;
}

/** Every kept shadow on the server, the most recently completed first (half-built ones last). */
export async function keptShadows(c: pg.Client): Promise<KeptShadow[]> {
  const { rows } = await c.query<{ name: string; note: string | null }>(
    `SELECT datname AS name, shobj_description(oid, 'pg_database') AS note FROM pg_database
     WHERE starts_with(datname, $1)`,
    [KEPT_SHADOW_PREFIX],
  );
  return rows
    .map((r) => ({
      name: r.name,
      completedAt: r.note?.startsWith(COMPLETE) ? r.note.slice(COMPLETE.length) : undefined,
    }))
    .sort((a, b) => (b.completedAt ?? '').localeCompare(a.completedAt ?? ''));
}

/** The project's newest complete kept shadow for another revision set: a head start for this one. */
async function previousOf(c: pg.Client, name: string): Promise<string | undefined> {
  const project = projectPrefixOf(name);
  return (await keptShadows(c)).find((k) => k.completedAt && k.name !== name && k.name.startsWith(project))
    ?.name;
}

/**
 * Renames the previous kept shadow to this set's name and upgrades it: after a new revision is
 * written, only that revision runs, not the whole history. False when it is in use or owned by
 * another role (left as it was), or when its ledger is not a prefix of this set because a revision
 * was edited or removed (dropped).
 */
async function advance(
  c: pg.Client,
  serverUrl: string,
  previous: string,
  name: string,
  sources: readonly MigrationSource[],
  graph?: RevisionGraph,
): Promise<boolean> {
  // Unmarked first: a reader must never find a complete-looking kept shadow at the wrong heads.
  // Either statement fails when another role owns it; then it is theirs to keep.
  try {
    await c.query(`COMMENT ON DATABASE ${quoteIdent(previous)} IS NULL`);
  } catch {
    return false;
  }
  try {
    await c.query(`ALTER DATABASE ${quoteIdent(previous)} RENAME TO ${quoteIdent(name)}`);
  } catch {
    await c.query(`COMMENT ON DATABASE ${quoteIdent(previous)} IS '${completeNow()}'`);
    return false;
  }
  const url = databaseUrl(serverUrl, name);
  try {
    // TypeORM finds generated-column rows by database name; they must name the database they are in.
    await onServer(url, (shadow) =>
      shadow.query(
        `UPDATE ${quoteIdent(TYPEORM_METADATA_TABLE)} SET "database" = current_database() WHERE "database" IS DISTINCT FROM current_database()`,
      ),
    );
    await replayRevisions(url, sources, graph);
    return true;
  } catch {
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    return false;
  }
}

async function replayFromEmpty(
  c: pg.Client,
  serverUrl: string,
  name: string,
  sources: readonly MigrationSource[],
  graph?: RevisionGraph,
): Promise<void> {
  await createDatabase(c, serverUrl, name);
  try {
    await replayRevisions(databaseUrl(serverUrl, name), sources, graph);
  } catch (error) {
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    throw error;
  }
}

/**
 * The URL of the kept shadow for these sources, bringing one to the heads first when there is none:
 * the project's previous kept shadow moved forward, or else a full replay. Builders queue on an
 * advisory lock, and a kept shadow counts only once its comment says it is complete, so one left
 * half-built by a killed run is rebuilt rather than used.
 */
export async function ensureKeptShadow(
  serverUrl: string,
  sources: readonly MigrationSource[],
  graph?: RevisionGraph,
): Promise<string> {
  const name = keptShadowName(sources, graph);
  const built = await onServer(serverUrl, async (c) => {
    if ((await stateOf(c, name)) === 'complete') return false;
    await c.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS_ID, BUILD_LOCK_ID]);
    try {
      const state = await stateOf(c, name);
      if (state === 'complete') return false;
      if (state === 'partial') await c.query(`DROP DATABASE ${quoteIdent(name)} WITH (FORCE)`);
      const previous = await previousOf(c, name);
      if (!previous || !(await advance(c, serverUrl, previous, name, sources, graph))) {
        await replayFromEmpty(c, serverUrl, name, sources, graph);
      }
      // Only a head start: without it, the session reads the catalog itself.
      await onServer(databaseUrl(serverUrl, name), (shadow) => recordKeptCatalog(shadow, name)).catch(
        () => undefined,
      );
      await c.query(`COMMENT ON DATABASE ${quoteIdent(name)} IS '${completeNow()}'`);
      return true;
    } finally {
      await c.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS_ID, BUILD_LOCK_ID]);
    }
  });
  if (built) await evictStaleKeptShadows(serverUrl, name);
  return databaseUrl(serverUrl, name);
}

/**
 * Commits a session's changes into the kept shadow it runs on, as the revision that was proved
 * there: its ledger row goes in, TypeORM's generated-column rows are made to name the database
 * as it will be called, the catalog it now holds is stored under that name (when the caller read
 * it), and the complete mark comes off until the kept shadow is renamed (connectForPromotion).
 * False (and nothing committed) if any of that fails: keeping is only a head start, and without
 * it the next run moves the kept shadow forward by running the revision, as before.
 */
export async function keepSessionAs(
  runner: QueryRunner,
  current: string,
  revision: RevisionInfo,
  next: string,
  holds?: { catalog: CatalogSnapshot; serverVersion: string },
): Promise<boolean> {
  const storeCatalog = holds && storeKeptCatalogSql(next, holds.serverVersion, holds.catalog);
  try {
    await runner.query(
      [
        inlineParameters(insertLedgerRowSql(), ledgerRowParameters(revision, 0, 'run')),
        inlineParameters(
          `UPDATE ${quoteIdent(TYPEORM_METADATA_TABLE)} SET "database" = $1 WHERE "database" = current_database()`,
          [next],
        ),
        ...(storeCatalog ? [storeCatalog] : []),
        `COMMENT ON DATABASE ${quoteIdent(current)} IS NULL`,
      ].join(';\n'),
    );
    await runner.commitTransaction();
    return true;
  } catch {
    return false;
  }
}

/**
 * Gives a kept shadow that a `revision` run committed its new revision into (and unmarked) the
 * name of the revision set it now holds, and marks it complete. False when that did not happen
 * (someone else is connected to it): it then stays unmarked, and the next run rebuilds it.
 */
async function renameAndMark(c: pg.Client, from: string, to: string): Promise<boolean> {
  try {
    await c.query(`ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`);
  } catch {
    return false;
  }
  await c.query(`COMMENT ON DATABASE ${quoteIdent(to)} IS '${completeNow()}'`);
  return true;
}

/** How the early connection names itself in pg_stat_activity. */
const PROMOTION_APPLICATION = 'dazzle kept shadow rename';

/** The connection for a kept shadow's rename, opened before it is needed (see shadow-session.ts). */
export interface EarlyPromotion {
  promote(from: string, to: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Starts connecting to the server for the rename that follows a kept revision (a database cannot
 * rename itself), so the run does not wait for a new connection at its end. If connecting fails,
 * `promote` tries once more on a connection of its own.
 */
export function connectForPromotion(serverUrl: string): EarlyPromotion {
  const client = new pg.Client({ connectionString: serverUrl, application_name: PROMOTION_APPLICATION });
  client.on('error', () => undefined);
  const connected = client.connect().then(
    () => client,
    () => undefined,
  );
  const close = async () => {
    await connected;
    await client.end().catch(() => undefined);
  };
  return {
    async promote(from, to) {
      const c = await connected;
      if (!c) return onServer(serverUrl, (own) => renameAndMark(own, from, to));
      try {
        return await renameAndMark(c, from, to);
      } finally {
        await close();
      }
    },
    close,
  };
}

/** Applies the server's kept-shadow bounds (kept-shadow-bounds.ts). Without FORCE: one in use stays, for a later run. */
async function evictStaleKeptShadows(serverUrl: string, keep: string): Promise<void> {
  await onServer(serverUrl, async (c) => {
    const complete = (await keptShadows(c)).filter(
      (k): k is CompletedKeptShadow => k.completedAt !== undefined,
    );
    for (const name of keptShadowsToEvict(complete, keep, new Date())) {
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).catch(() => undefined);
    }
  });
}

/** Drops every kept shadow on the server, in use or not (for a clean slate; they rebuild on demand). */
export async function dropKeptShadows(serverUrl: string): Promise<number> {
  return onServer(serverUrl, async (c) => {
    const all = await keptShadows(c);
    for (const { name } of all) await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    return all.length;
  });
}
