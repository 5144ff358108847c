/** `dazzle db current`, `history` and `heads`: where the database and the code are. */
import type { Command } from 'commander';
import { withApp } from '../app-context';
import { globalsOf, reporterFor } from '../program-support';

export function registerInspect(db: Command): void {
  db.command('current')
    .description('the revisions the database is at, per lineage, and what is pending')
    .addHelpText('after', '\nExample:\n  dazzle db current --json')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      await withApp(globals, reporter, async (app) => {
        const state = await (await app.migrator()).current();
        reporter.document({
          current: state.current,
          pending: state.pending.map((r) => ({ id: r.id, lineage: r.lineage, message: r.message })),
          unknown: state.unknown.map((r) => r.id),
          checksumMismatches: state.checksumMismatches.map((m) => m.id),
          atHeads: state.atHeads,
        });
        for (const lineage of ['framework', 'app'] as const) {
          reporter.line(`${lineage.padEnd(9)}  ${state.current[lineage].join(', ') || '(base)'}`);
        }
        if (state.unknown.length > 0)
          reporter.line(
            reporter.style(`Ahead of the code: ${state.unknown.map((r) => r.id).join(', ')}`, 'red'),
          );
        if (state.pending.length > 0)
          reporter.line(
            reporter.style(`${state.pending.length} pending: run \`dazzle db upgrade\`.`, 'yellow'),
          );
        else if (state.unknown.length === 0) reporter.line(reporter.style('At heads.', 'green'));
      });
    });

  db.command('history')
    .description('every revision in apply order, with applied marks')
    .addHelpText('after', '\nExample:\n  dazzle db history')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      await withApp(globals, reporter, async (app) => {
        const history = await (await app.migrator()).history();
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
      const { loadConfig, readRevisionGraph } = await import('@app/migrator');
      const config = await loadConfig({ configPath: globals.config });
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
