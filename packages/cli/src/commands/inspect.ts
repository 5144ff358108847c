/** `dazzle db current`, `history` and `heads`: where the database and the code are. */
import { readRevisionGraph } from '@app/migrator/inspect';
import type { Command } from 'commander';
import { loadAppSettings } from '../app-config';
import { withApp } from '../app-context';
import { globalsOf, reporterFor } from '../program-support';
import { type FleetOptions, runFleetCommand, withFleetOptions } from './fleet';

export function registerInspect(db: Command): void {
  withFleetOptions(db.command('current'))
    .description('the revisions the database is at, per lineage, and whether it is in step with the code')
    .addHelpText('after', '\nExample:\n  dazzle db current --json')
    .action(async (options: FleetOptions, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      if (options.all) return runFleetCommand('current', options, globals, reporter);
      await withApp(globals, reporter, async (app) => {
        const status = await app.status();
        reporter.document({
          state: status.state,
          code: status.code ?? null,
          message: status.message,
          atHeads: status.state === 'in-step',
          current: status.current,
          pending: status.pending.map((r) => ({ id: r.id, lineage: r.lineage, message: r.message })),
          unknown: status.unknown.map((r) => r.id),
          checksumMismatches: status.checksumMismatches.map((m) => m.id),
          multipleHeads: status.multipleHeads,
        });
        for (const lineage of ['framework', 'app'] as const) {
          reporter.line(`${lineage.padEnd(9)}  ${status.current[lineage].join(', ') || '(base)'}`);
        }
        if (status.state === 'in-step') reporter.line(reporter.style('At heads.', 'green'));
        else
          reporter.line(
            reporter.style(
              `${status.code}: ${status.message}`,
              status.state === 'pending' ? 'yellow' : 'red',
            ),
          );
      });
    });

  db.command('history')
    .description('every revision in apply order, with applied marks')
    .addHelpText('after', '\nExample:\n  dazzle db history')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      await withApp(globals, reporter, async (app) => {
        const history = await app.history();
        reporter.document(
          history.map((h) => ({
            id: h.revision.id,
            lineage: h.revision.lineage,
            parents: h.revision.parents,
            dependsOn: h.revision.dependsOn,
            message: h.revision.message,
            head: h.isHead,
            appliedAt: h.applied?.appliedAt ?? null,
            appliedBy: h.applied?.appliedBy ?? null,
          })),
        );
        reporter.table(
          history.map((h) => [
            h.applied ? '[x]' : '[ ]',
            h.revision.lineage,
            h.revision.id,
            `${h.revision.message}${h.isHead ? ' (head)' : ''}`,
          ]),
        );
      });
    });

  db.command('heads')
    .description("the code's head revision of each lineage")
    .addHelpText('after', '\nExample:\n  dazzle db heads')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      const config = await loadAppSettings(globals.config);
      const graph = readRevisionGraph(config.sources);
      const heads = { framework: graph.heads('framework'), app: graph.heads('app') };
      reporter.document(heads);
      for (const lineage of ['framework', 'app'] as const) {
        const list = heads[lineage];
        reporter.line(
          `${lineage.padEnd(9)}  ${list.join(', ') || '(none)'}${list.length > 1 ? reporter.style('  ← several heads: run `dazzle db merge`', 'yellow') : ''}`,
        );
      }
    });
}
