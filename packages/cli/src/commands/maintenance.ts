/** `dazzle db stamp`, `merge` and `rehash`: ledger and folder housekeeping. */
import type { Lineage } from '@app/migrator';
import type { Command } from 'commander';
import { AppContext, withApp } from '../app-context';
import { UsageError } from '../cli-error';
import { migratorApi } from '../migrator-api';
import { loadAutogenerate } from '../optional-parts';
import { globalsOf, reporterFor } from '../program-support';
import { verifyStamp } from './live-drift';

function lineageOf(value: string): Lineage {
  if (value !== 'app' && value !== 'framework')
    throw new UsageError(`--lineage must be app or framework, got "${value}".`);
  return value;
}

function folderOf(app: AppContext, lineage: Lineage): string {
  return lineage === 'app' ? app.config.appMigrationsDir : app.config.frameworkMigrationsDir;
}

export function registerMaintenance(db: Command): void {
  db.command('stamp')
    .description('record revisions as applied without running them (adopt an existing database)')
    .argument('<target>', 'heads, app@head, framework@head, a revision id, app@base or base')
    .option('--force', 'stamp even when the schema differs from what the revisions produce')
    .addHelpText(
      'after',
      '\nExample:\n  dazzle db stamp heads   # the schema was created by hand and matches the code',
    )
    .action(async (target: string, options: { force?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      await withApp(globals, reporter, async (app) => {
        // Stamping is a claim about the schema: it is checked against a replay unless forced.
        if (!options.force) await verifyStamp(app, reporter, target);
        const { added, removed } = await (await app.migrator()).stamp(target);
        reporter.document({ target, added, removed });
        reporter.line(
          `Stamped ${target}: ${added.length} recorded as applied, ${removed.length} removed from the ledger. Nothing was run.`,
        );
      });
    });

  db.command('merge')
    .description("write a merge revision joining a lineage's heads")
    .requiredOption('-m, --message <message>', 'the merge revision message')
    .option('--lineage <lineage>', 'framework or app', 'app')
    .addHelpText('after', '\nExample:\n  dazzle db merge -m "merge heads"')
    .action(async (options: { message: string; lineage: string }, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      const lineage = lineageOf(options.lineage);
      const { writeMergeRevision } = await loadAutogenerate('`dazzle db merge`');
      const app = await AppContext.load(globals, reporter);
      const { readRevisionGraph } = migratorApi();
      const revision = writeMergeRevision({
        graph: readRevisionGraph(app.config.sources),
        dir: folderOf(app, lineage),
        lineage,
        message: options.message,
        format: lineage === 'framework' ? 'js' : (app.config.config.migrations?.format ?? 'ts'),
      });
      reporter.document({ id: revision.id, file: revision.file, parents: revision.parents });
      reporter.line(
        `Wrote ${revision.file}, merging ${revision.parents.join(' and ')}. Commit it with its manifest entry (manifest/).`,
      );
    });

  db.command('rehash')
    .description(
      'rebuild the manifest from the revision files, whatever state it is in (after a hand-filled step or a merge conflict)',
    )
    .option('--lineage <lineage>', 'framework or app', 'app')
    .addHelpText('after', '\nExample:\n  dazzle db rehash')
    .action(async (options: { lineage: string }, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      const lineage = lineageOf(options.lineage);
      const { rehashFolder } = await loadAutogenerate('`dazzle db rehash`');
      const app = await AppContext.load(globals, reporter);
      const result = await rehashFolder(folderOf(app, lineage), lineage);
      reporter.document({ added: result.added, updated: result.updated, removed: result.removed });
      reporter.line(
        `Manifest rebuilt: ${result.added.length} added, ${result.updated.length} updated, ${result.removed.length} removed.`,
      );
      for (const file of result.updated) reporter.line(`  updated ${file}`);
    });
}
