/**
 * `check --live` and the verification `stamp` does first: the live schema against a replay of the
 * revisions its ledger holds (or would hold after the stamp). Differences are listed one per line
 * on stderr, then the command refuses with SCHEMA_DRIFT, so stdout stays clean for --json.
 */
import { appliedAfterStamp, formatDifference, type LiveDrift, MigratorError, planStamp } from '@app/migrator';
import type { AppContext } from '../app-context';
import { loadAutogenerate } from '../optional-parts';
import type { Reporter } from '../reporter';

async function appliedNow(app: AppContext): Promise<Set<string>> {
  const history = await (await app.migrator()).history();
  return new Set(history.filter((entry) => entry.applied).map((entry) => entry.revision.id));
}

/** The replay runs on a shadow database: the authoring tools' part, loaded only here. */
async function drift(app: AppContext, applied: ReadonlySet<string>, verb: string): Promise<LiveDrift> {
  const { findLiveDrift } = await loadAutogenerate(verb);
  const database = await app.database();
  return findLiveDrift({ databaseUrl: database.url, sources: app.config.sources, applied });
}

function listDifferences(reporter: Reporter, result: LiveDrift): void {
  for (const difference of result.differences) reporter.note(`  ${formatDifference(difference)}`);
}

/** `check --live`: exit 0 with one line when the live schema matches its applied revisions. */
export async function checkLiveSchema(app: AppContext, reporter: Reporter): Promise<void> {
  const result = await drift(app, await appliedNow(app), '`dazzle db check --live`');
  reporter.document({
    ok: result.differences.length === 0,
    replayed: result.replayed,
    differences: result.differences,
  });
  if (result.differences.length === 0) {
    reporter.line(
      reporter.style(
        `OK: the live schema matches what its ${result.replayed} applied revisions produce.`,
        'green',
      ),
    );
    return;
  }
  listDifferences(reporter, result);
  throw new MigratorError(
    'SCHEMA_DRIFT',
    `The live database differs from what its ${result.replayed} applied revisions produce in ${result.differences.length} place${result.differences.length === 1 ? '' : 's'} (listed above; "missing" is in the revisions but not the database, "extra" the reverse): undo the hand-made change, or write a revision that makes it (\`dazzle db revision\`).`,
    { differences: result.differences },
  );
}

/** Before `stamp`: refuses when the database does not match what the stamped ledger says it holds. */
export async function verifyStamp(app: AppContext, reporter: Reporter, target: string): Promise<void> {
  const migrator = await app.migrator();
  const applied = await appliedNow(app);
  const after = appliedAfterStamp(applied, planStamp(migrator.graph, applied, target));
  const result = await drift(app, after, '`dazzle db stamp` (without --force)');
  if (result.differences.length === 0) return;
  listDifferences(reporter, result);
  throw new MigratorError(
    'SCHEMA_DRIFT',
    `Nothing was stamped: the database differs from what the ${result.replayed} revisions of \`stamp ${target}\` produce in ${result.differences.length} place${result.differences.length === 1 ? '' : 's'} (listed above). Bring the schema in line, or run \`dazzle db stamp ${target} --force\` to record them anyway.`,
    { target, differences: result.differences },
  );
}
