/**
 * `revision`: diff the entities against a shadow database replayed to the heads, make the result
 * safe (pre-steps, post-processing), prove on the shadow that applying it leaves nothing to diff,
 * lint it, check that the rendered file runs exactly what was proved, and write it as a readable
 * file with an exact `down`. The kept shadow keeps what was proved as the new revision.
 */
import type { BuiltMetadata, Lineage } from '@app/metadata-builder';
import {
  type CatalogSnapshot,
  databaseNameOf,
  entityTablePath,
  loadSqlParser,
  type MigrationSource,
  Migrator,
  MigratorError,
  type OnlineSetting,
  onlineOptOut,
  type RevisionGraph,
  type RevisionInfo,
  type RevisionSteps,
  readRevisionGraph,
  singleHead,
} from '@app/migrator';
import type { DataSource, QueryRunner } from 'typeorm';
import type { RenderedStatement, RevisionFormat } from '../authoring/render-revision';
import { slugForMessage } from '../authoring/revision-id';
import { prepareRevision, saveRevision } from '../authoring/write-revision';
import { ACKNOWLEDGED_MARKER, formatFinding, type LintFinding, lintStatements } from '../lint/lint-revision';
import { readShadowCatalog } from '../shadow/raw-connection';
import { shadowServerOf } from '../shadow/shadow-server';
import { type ShadowSession, withShadowSession } from '../shadow/shadow-session';
import { prepareExpandContract } from './expand-on-shadow';
import { askAboutRenames, dropInsteadOfRenaming, guessedRenames, renameCandidates } from './guessed-renames';
import { onlineRevision } from './online-steps';
import { dropStatementOf, findOrphanTables } from './orphan-tables';
import { dropOrphanViews } from './orphan-views';
import { type ProcessedDiff, postProcess, type RenameCandidate } from './post-process';
import {
  applyRenames,
  applyRequiredExtensions,
  applyTypeChanges,
  collectRenameHints,
  type RenameHint,
  type StepResult,
} from './pre-steps';
import { applyAndProve } from './prove-convergence';
import { proveBothWays } from './prove-down';
import { proveSteps } from './prove-steps';
import { assertRunsWhatWasProved, keepable } from './proved-revision';
import { diffSchema, tablesChangingColumns } from './schema-diff';
import { holdsTypeormViews, readShadowTables, unchangedSinceRead } from './shadow-tables';
import { withShortRunTiering } from './short-run-tiering';
import { buildTableLineage } from './table-lineage';
import { typeRewriteWarnings } from './type-rewrite-warnings';
import { wrapViewsAroundTypeChanges } from './views-around-diff';

export interface GenerateRevisionOptions {
  /** A server where a shadow database may be created (usually the development database). */
  serverUrl: string;
  /** Where shadow databases are made instead (`database.shadowUrl`); `--against database` copies on serverUrl. */
  shadowServerUrl?: string;
  sources: readonly MigrationSource[];
  metadata: BuiltMetadata;
  lineage: Lineage;
  message: string;
  renames?: readonly RenameHint[];
  /** Accept statements that drop or narrow data. */
  allowDestructive?: boolean;
  /** Asked, on a terminal, whether a dropped and an added column are one renamed column. */
  confirmRename?: (candidate: RenameCandidate) => Promise<boolean>;
  /** Write a revision with no statements, to fill in by hand. */
  empty?: boolean;
  /**
   * What to diff against: a shadow database replaying every revision (default), or a copy of the
   * target database itself, which must be at its heads (no replay, so faster on long histories).
   */
  against?: 'shadow' | 'database';
  /** Replay into a throwaway shadow database instead of the kept one (dazzle_cache_…). */
  freshShadow?: boolean;
  format?: RevisionFormat;
  now?: Date;
  /**
   * Rewrite DDL on existing tables to keep them writable (see online-steps.ts): true (default),
   * false, or `{ except: [entity class or table names] }` to leave those tables as TypeORM writes them.
   */
  online?: OnlineSetting;
  /** Write a table-rewriting column type change as an expand and a contract revision (expand-on-shadow.ts). */
  expand?: boolean;
}

export interface PlannedRevision {
  /** False when a statement cannot run in a transaction block (CREATE INDEX CONCURRENTLY). */
  transactional: boolean;
  /** Set when the revision runs as ordered steps (online rewrites); then transactional is false. */
  steps?: RevisionSteps;
  up: RenderedStatement[];
  down: RenderedStatement[];
  notes: string[];
  findings: LintFinding[];
  dependsOn: string[];
}

export interface GenerateRevisionResult extends PlannedRevision {
  /** The file written, or undefined when there was nothing to change. */
  revision: RevisionInfo | undefined;
  /** With `expand`: the contract revision, written as the child of `revision` (the expand one). */
  contract?: GenerateRevisionResult;
}

function refuse(processed: ProcessedDiff, steps: StepResult, options: GenerateRevisionOptions): void {
  if (processed.drift.length > 0) {
    const first = processed.drift[0]!;
    const what = first.entity ? `${first.entity}${first.column ? `.${first.column}` : ''}` : first.table;
    throw new MigratorError(
      'LINEAGE_DRIFT',
      `${what} (${first.lineage} lineage) differs from its committed revisions${processed.drift.length > 1 ? ` (and ${processed.drift.length - 1} more change${processed.drift.length > 2 ? 's' : ''})` : ''}: write a ${first.lineage} revision first with \`dazzle db revision --lineage ${first.lineage} -m "…"\`.`,
      { drift: processed.drift },
    );
  }
  const destructive = [...steps.destructive, ...processed.destructive];
  if (destructive.length > 0 && !options.allowDestructive) {
    throw new MigratorError(
      'DESTRUCTIVE_CHANGE',
      `This revision would drop or narrow data: ${destructive.map((s) => s.replace(/\s+/g, ' ')).join('; ')}. If that is intended, run again with --allow-destructive.`,
      { statements: destructive },
    );
  }
}

/** A plan, with the shadow's catalog once its up is applied: what a kept shadow keeping it holds. */
type PlannedOnShadow = PlannedRevision & { catalogAfter: CatalogSnapshot | undefined };

/**
 * Diffs, makes safe and proves the next revision on a shadow at the heads. `shadow` is what the
 * shadow session offers: the catalog at the heads when the kept shadow had it stored (otherwise
 * it is read here), and word that a revision is coming.
 */
export async function planOnShadow(
  options: GenerateRevisionOptions,
  graph: RevisionGraph,
  dataSource: DataSource,
  shadow: Partial<Pick<ShadowSession, 'catalogAtHeads' | 'expectKeep'>> = {},
): Promise<PlannedOnShadow | RenameCandidate> {
  let runner: QueryRunner | undefined;
  // Compiling the parser (WebAssembly) overlaps with the catalog reads below.
  const parserReady = loadSqlParser();
  parserReady.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
  try {
    const tables = await buildTableLineage(options.metadata, dataSource);
    const catalog = await readShadowTables(dataSource);
    runner = dataSource.createQueryRunner();
    await runner.connect();
    const before = shadow.catalogAtHeads ?? (await readShadowCatalog(runner));
    const steps: StepResult = { up: [], down: [], notes: [], destructive: [] };
    await applyRenames(
      runner,
      collectRenameHints(dataSource, tables, options.lineage, options.renames ?? []),
      steps,
    );
    const lineageEntities = dataSource.entityMetadatas.filter(
      (m) => m.tableType !== 'junction' && tables.lineageOfTable(entityTablePath(m)) === options.lineage,
    );
    await applyRequiredExtensions(runner, lineageEntities, steps);
    if (!unchangedSinceRead(steps) || holdsTypeormViews(before))
      await dropOrphanViews(runner, dataSource, graph, options.lineage, steps);
    let diff = await diffSchema(dataSource);
    await parserReady;
    // TypeORM writes a type change as DROP + ADD COLUMN (or ALTER … TYPE for numeric precision); only
    // those tables need the catalog read that turns it into a data-keeping ALTER … TYPE … USING.
    const retyped = tablesChangingColumns(diff.up, tables);
    if (retyped.size > 0) {
      const before = steps.up.length;
      const candidates = lineageEntities.filter((m) => retyped.has(entityTablePath(m)));
      await applyTypeChanges(runner, dataSource, candidates, steps);
      if (steps.up.length > before) diff = await diffSchema(dataSource);
    }
    // TypeORM renames a column by itself when it sees one go and one come: never a silent guess.
    const guessed = guessedRenames(diff.up, tables, options.lineage);
    if (guessed.length > 0 && options.allowDestructive) {
      await dropInsteadOfRenaming(runner, guessed, steps);
      diff = await diffSchema(dataSource);
    }
    const processed = postProcess(diff, {
      lineage: options.lineage,
      tables,
      existingTables: catalog.tables,
      existingSchemas: catalog.schemas,
    });
    const orphans = await findOrphanTables(
      dataSource,
      graph,
      unchangedSinceRead(steps) ? catalog.baseTables : undefined,
    );
    for (const orphan of orphans.filter((o) => o.lineage !== options.lineage)) {
      processed.drift.push({
        lineage: orphan.lineage,
        table: orphan.table,
        entity: undefined,
        column: undefined,
        sql: dropStatementOf(orphan),
      });
    }
    const ownOrphans = orphans.filter((o) => o.lineage === options.lineage);
    processed.destructive.push(...ownOrphans.map(dropStatementOf));
    processed.renameCandidates = renameCandidates(guessed, processed.renameCandidates);
    if (!options.allowDestructive && processed.drift.length === 0) {
      const confirmed = await askAboutRenames(processed.renameCandidates, options.confirmRename);
      if (confirmed) return confirmed;
    }
    refuse(processed, steps, options);
    Object.assign(processed, await wrapViewsAroundTypeChanges(runner, processed.up, processed.down));

    if (processed.up.length > 0) shadow.expectKeep?.();
    const { transactional } = await applyAndProve(runner, dataSource, processed, ownOrphans, tables);
    const generated = { up: [...steps.up, ...processed.up], down: [...processed.down, ...steps.down] };
    const proved = await proveBothWays(runner, before, generated, transactional);
    // Proved as TypeORM wrote it; on tables that existed before, it runs in online steps, proved too.
    const {
      up,
      down,
      steps: onlineSteps,
      notes: online,
    } = options.online === false
      ? { up: proved.up, down: proved.down, steps: undefined, notes: [] }
      : await proveSteps(
          runner,
          before,
          onlineRevision(
            proved.up,
            proved.down,
            catalog.tables,
            onlineOptOut(options.online, options.metadata.owners, 'generateRevision({ online })'),
          ),
        );
    // --allow-destructive acknowledges exactly the destructive rules this revision triggers, in the file.
    const linted = await lintStatements(up.map((s) => s.sql));
    const acknowledged = new Set(
      options.allowDestructive ? linted.filter((f) => f.severity === 'error').map((f) => f.rule) : [],
    );
    const findings = linted.map((f) => (acknowledged.has(f.rule) ? { ...f, severity: 'info' as const } : f));
    const notes = [
      ...steps.notes,
      ...proved.notes,
      ...online,
      ...typeRewriteWarnings(up, catalog.tables),
      ...[...acknowledged].sort().map((rule) => `${ACKNOWLEDGED_MARKER} ${rule}`),
    ];
    const dependsOn = [...processed.referencedLineages].flatMap((l) => singleHead(graph, l) ?? []);
    if (!transactional && !onlineSteps) {
      notes.push(
        'Runs outside a transaction: PostgreSQL builds indexes CONCURRENTLY only there, so a failure part-way leaves the statements before it applied.',
      );
    }
    return {
      up,
      down,
      notes,
      findings,
      dependsOn,
      transactional: transactional && !onlineSteps,
      steps: onlineSteps,
      catalogAfter: proved.after,
    };
  } finally {
    await runner?.release();
  }
}

/** Diffing against the target itself only makes sense when it is exactly at the committed heads. */
async function assertAtHeads(options: GenerateRevisionOptions, graph: RevisionGraph): Promise<void> {
  const migrator = await Migrator.connect({
    databaseUrl: options.serverUrl,
    sources: options.sources,
    graph,
  });
  try {
    const status = await migrator.status();
    if (status.state !== 'in-step') {
      throw new MigratorError(
        'NOT_AT_HEADS',
        `--against database needs the database in step with the code, and it is not (${status.code}: ${status.message}) Fix that first, or diff against a shadow replay (the default).`,
        { state: status.state, pending: status.pending.map((r) => r.id) },
      );
    }
  } finally {
    await migrator.close();
  }
}

/**
 * Generates (and writes) the next revision of a lineage.
 *
 * @example
 * const { revision } = await generateRevision({ serverUrl, sources, metadata, lineage: 'app', message: 'add po_number' });
 */
export function generateRevision(options: GenerateRevisionOptions): Promise<GenerateRevisionResult> {
  return withShortRunTiering(() => generate(options));
}

async function generate(options: GenerateRevisionOptions): Promise<GenerateRevisionResult> {
  slugForMessage(options.message); // refuse an unusable message before any work
  const graph = readRevisionGraph(options.sources);
  const head = singleHead(graph, options.lineage);
  const source = options.sources.find((s) => s.lineage === options.lineage);
  if (!source)
    throw new MigratorError(
      'CONFIG_INVALID',
      `No migrations folder is configured for the ${options.lineage} lineage.`,
    );

  const prepare = (planned: PlannedRevision, as?: { message: string; parents?: string[]; now: Date }) =>
    prepareRevision({
      dir: source.dir,
      lineage: options.lineage,
      message: as?.message ?? options.message,
      parents: as?.parents ?? (head ? [head] : []),
      dependsOn: planned.dependsOn,
      transactional: planned.transactional,
      steps: planned.steps,
      up: planned.up,
      down: planned.down,
      notes: [
        ...planned.notes,
        ...(planned.findings.length > 0 ? ['Lint:', ...planned.findings.map(formatFinding)] : []),
      ],
      format: options.format,
      now: as?.now ?? options.now,
    });

  if (options.empty) {
    const planned: PlannedRevision = {
      up: [],
      down: [],
      notes: ['Written by hand: put the statements in up() and their exact reverse in down().'],
      findings: [],
      dependsOn: [],
      transactional: true,
    };
    const prepared = prepare(planned);
    saveRevision(prepared);
    return { ...planned, revision: prepared.info };
  }
  if (options.against === 'database') await assertAtHeads(options, graph);
  const cloneOf = options.against === 'database' ? databaseNameOf(options.serverUrl) : undefined;
  const outcome = await withShadowSession(
    {
      serverUrl: cloneOf ? options.serverUrl : shadowServerOf(options.serverUrl, options.shadowServerUrl),
      sources: options.sources,
      entities: options.metadata.entities,
      cloneOf,
      throwaway: options.freshShadow,
      graph,
    },
    async (dataSource, session) => {
      const plan = await planOnShadow(options, graph, dataSource, session);
      if ('from' in plan) return plan;
      const { catalogAfter, ...planned } = plan;
      if (planned.up.length === 0) return planned;
      if (options.expand)
        return {
          pair: await prepareExpandContract(
            planned,
            dataSource,
            options.message,
            options.now ?? new Date(),
            prepare,
            assertRunsWhatWasProved,
          ),
        };
      const prepared = prepare(planned);
      await assertRunsWhatWasProved(prepared, planned.up);
      if (keepable(prepared)) session.keep(prepared.info, catalogAfter);
      return { ...planned, prepared };
    },
  );
  if ('from' in outcome) {
    const rename: RenameHint = { kind: 'column', table: outcome.table, from: outcome.from, to: outcome.to };
    return generate({ ...options, renames: [...(options.renames ?? []), rename] });
  }
  if ('pair' in outcome && outcome.pair) {
    for (const { prepared } of outcome.pair) saveRevision(prepared);
    const [expand, contract] = outcome.pair;
    return {
      ...expand.planned,
      revision: expand.prepared.info,
      contract: { ...contract.planned, revision: contract.prepared.info },
    };
  }
  if (!('prepared' in outcome)) return { ...outcome, revision: undefined };
  const { prepared, ...planned } = outcome;
  saveRevision(prepared);
  return { ...planned, revision: prepared.info };
}
