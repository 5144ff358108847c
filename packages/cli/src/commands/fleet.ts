/**
 * `--all <source>` for `db upgrade`, `db check` and `db current`: the same verb over a fleet of
 * databases (a file of URLs, or a catalog query), with bounded concurrency, a live progress line on
 * a terminal, a per-database table (or one --json document), and exit 1 when any database failed.
 * The CLI only reads options and renders; the work is the migrator's `runFleet`.
 */
import type { FleetProgress, FleetResult, FleetVerb } from '@app/migrator';
import { DEFAULT_FLEET_CONCURRENCY } from '@app/migrator/inspect';
import { type Command, InvalidArgumentError } from 'commander';
import { AppContext, type GlobalOptions } from '../app-context';
import { EXIT_FAILURE } from '../cli-error';
import { migratorApi } from '../migrator-api';
import type { Reporter } from '../reporter';

export interface FleetOptions {
  all?: string;
  allQuery?: string;
  concurrency?: number;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of 1 or more');
  return n;
}

/** Adds `--all`, `--all-query` and `--concurrency` to a command. */
export function withFleetOptions(command: Command): Command {
  return command
    .option(
      '--all <source>',
      'every database in a file (one URL a line) or a catalog database URL (with --all-query)',
    )
    .option(
      '--all-query <sql>',
      "with a catalog URL in --all: the query whose first column lists the databases' URLs",
    )
    .option(
      '--concurrency <n>',
      `with --all: databases worked on at once (default ${DEFAULT_FLEET_CONCURRENCY})`,
      positiveInteger,
    );
}

const LABEL: Record<FleetResult['outcome'], string> = {
  upgraded: 'upgraded',
  'at-heads': 'at heads',
  pending: 'pending',
  failed: 'FAILED',
};

/** Runs a verb over the fleet and renders it; sets exit code 1 when any database failed. */
export async function runFleetCommand(
  verb: FleetVerb,
  options: FleetOptions,
  globals: GlobalOptions,
  reporter: Reporter,
): Promise<void> {
  const app = await AppContext.load(globals, reporter);
  const { readFleetTargets, runFleet } = migratorApi();
  try {
    const targets = await readFleetTargets({
      source: options.all!,
      query: options.allQuery,
      cwd: process.cwd(),
    });
    const concurrency = options.concurrency ?? DEFAULT_FLEET_CONCURRENCY;
    reporter.note(
      reporter.style(
        `Fleet: ${targets.length} database${targets.length === 1 ? '' : 's'}, ${concurrency} at a time`,
        'dim',
      ),
    );
    const live = process.stderr.isTTY && !reporter.json;
    const results = await runFleet({
      verb,
      targets,
      sources: app.config.sources,
      concurrency,
      lockTimeoutMs: app.lockTimeoutMs(),
      onProgress: live ? (p) => process.stderr.write(`\r${progressLine(p)}\u001b[K`) : undefined,
    });
    if (live) process.stderr.write('\n');
    render(reporter, verb, results);
    if (results.some((r) => r.outcome === 'failed')) process.exitCode = EXIT_FAILURE;
  } finally {
    await app.release();
  }
}

/**
 * The live line: `12/50 done · 1 failed · 2 waiting for lock · 4 running`.
 *
 * @example
 * progressLine({ total: 50, done: 12, failed: 1, running: 4, waitingForLock: 2 });
 */
export function progressLine(p: FleetProgress): string {
  return `${p.done + p.failed}/${p.total} done · ${p.failed} failed · ${p.waitingForLock} waiting for lock · ${p.running} running`;
}

function render(reporter: Reporter, verb: FleetVerb, results: readonly FleetResult[]): void {
  const failed = results.filter((r) => r.outcome === 'failed').length;
  reporter.document({
    ok: failed === 0,
    verb,
    total: results.length,
    failed,
    databases: results,
  });
  const countHeader = verb === 'upgrade' ? 'applied' : 'pending';
  reporter.table([
    ['DATABASE', 'RESULT', countHeader.toUpperCase(), 'MS', 'DETAIL'],
    ...results.map((r) => [
      r.database,
      r.outcome === 'failed' ? reporter.style(LABEL[r.outcome], 'red') : LABEL[r.outcome],
      String(r.revisions),
      String(r.durationMs),
      r.code ? `${r.code}: ${r.message ?? ''}` : '',
    ]),
  ]);
  const counts = (['upgraded', 'at-heads', 'pending', 'failed'] as const)
    .map((o) => [o, results.filter((r) => r.outcome === o).length] as const)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${n} ${LABEL[o].toLowerCase()}`)
    .join(', ');
  reporter.line(reporter.style(`${results.length} databases: ${counts}.`, failed > 0 ? 'red' : 'green'));
}
