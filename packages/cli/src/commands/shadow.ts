/** `dazzle db shadow prune`: drops the kept shadow databases `revision` and `check` leave behind. */
import { maskUrl } from '@app/migrator/inspect';
import type { Command } from 'commander';
import { withApp } from '../app-context';
import { loadAutogenerate } from '../optional-parts';
import { globalsOf, reporterFor } from '../program-support';

export function registerShadow(db: Command): void {
  const shadow = db.command('shadow').description('the kept shadow databases revision and check reuse');
  shadow
    .command('prune')
    .description("drop this project's kept shadow databases (they are rebuilt when next needed)")
    .option('--all', "drop every project's kept shadows on the server, not only this project's")
    .addHelpText('after', '\nExamples:\n  dazzle db shadow prune\n  dazzle db shadow prune --all --json')
    .action(async (options: { all?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      const { pruneKeptShadows, shadowServerOf } = await loadAutogenerate('`dazzle db shadow prune`');
      await withApp(globals, reporter, async (app) => {
        const server = shadowServerOf((await app.database()).url, app.config.config.database?.shadowUrl);
        const { dropped, inUse } = await pruneKeptShadows(
          server,
          options.all ? undefined : app.config.sources,
        );
        reporter.document({ dropped, inUse });
        const n = dropped.length;
        reporter.line(
          `Dropped ${n} kept shadow database${n === 1 ? '' : 's'} on ${maskUrl(server)}${n > 0 ? `: ${dropped.join(', ')}` : ''}.`,
        );
        if (inUse.length > 0)
          reporter.line(`Left ${inUse.join(', ')}: in use by another session; prune again once it ends.`);
      });
    });
}
