/**
 * `dazzle db resolve <id> --rolled-back|--applied`: records what the user did about a
 * non-transactional revision that stopped partway (REVISION_INCOMPLETE). Runs none of its SQL.
 */
import type { ResolveDecision } from '@app/migrator';
import type { Command } from 'commander';
import { withApp } from '../app-context';
import { UsageError } from '../cli-error';
import { globalsOf, reporterFor } from '../program-support';

function decisionOf(options: { rolledBack?: boolean; applied?: boolean }): ResolveDecision {
  if (Boolean(options.rolledBack) === Boolean(options.applied))
    throw new UsageError('dazzle db resolve needs exactly one of --rolled-back or --applied.');
  return options.applied ? 'applied' : 'rolled-back';
}

export function registerResolve(db: Command): void {
  db.command('resolve')
    .description('record what you did about a non-transactional revision that stopped partway')
    .argument('<revision>', 'the revision REVISION_INCOMPLETE named (a unique prefix of its id is enough)')
    .option(
      '--rolled-back',
      'you undid what it applied (and dropped its INVALID index): it runs again next time',
    )
    .option('--applied', 'you finished its statements by hand: it is recorded as applied')
    .addHelpText(
      'after',
      '\nExamples:\n  dazzle db resolve 20260301120000_index_invoices_by_due_date --rolled-back\n  dazzle db resolve 20260301120000 --applied',
    )
    .action(
      async (revision: string, options: { rolledBack?: boolean; applied?: boolean }, command: Command) => {
        const globals = globalsOf(command);
        const reporter = reporterFor(globals);
        const decision = decisionOf(options);
        await withApp(globals, reporter, async (app) => {
          const result = await (await app.migrator()).resolve(revision, decision);
          reporter.document(result);
          reporter.line(
            decision === 'applied'
              ? `Recorded ${result.revision} as ${result.direction === 'up' ? 'applied' : 'reverted'}. Nothing was run.`
              : `Recorded ${result.revision} as rolled back: the next \`dazzle db ${result.direction === 'up' ? 'upgrade' : 'downgrade'}\` runs it again. Nothing was run.`,
          );
        });
      },
    );
}
