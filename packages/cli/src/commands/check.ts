/** `dazzle db check` (CI) and `dazzle db lint`. */
import {
  assertInStep,
  findSchemaDrift,
  formatFinding,
  type LintFinding,
  lintRevision,
  type RevisionInfo,
  readRevisionGraph,
} from '@app/migrator';
import type { Command } from 'commander';
import { AppContext, withApp } from '../app-context';
import { EXIT_FAILURE } from '../cli-error';
import { globalsOf, reporterFor } from '../program-support';
import { checkLiveSchema } from './live-drift';

export function registerCheck(db: Command): void {
  db.command('check')
    .description(
      'fail when the database has pending revisions or the entities differ from what the revisions produce',
    )
    .option(
      '--fresh-shadow',
      'replay every revision into a throwaway database instead of reusing the kept shadow (dazzle_cache_…)',
    )
    .option(
      '--live',
      'compare the live schema with what its applied revisions produce (replayed on a shadow); exit 1 on drift',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  dazzle db check || exit 1   # CI\n  dazzle db check --live      # production drift',
    )
    .action(async (options: { freshShadow?: boolean; live?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      await withApp(globals, reporter, async (app) => {
        const database = await app.database();
        const status = await (await app.migrator()).status();
        if (options.live) {
          // Drift is measured against the applied revisions, so only a state no upgrade fixes is refused.
          if (status.state !== 'in-step' && status.state !== 'pending') assertInStep(status);
          await checkLiveSchema(app, reporter);
          return;
        }
        // A state no upgrade fixes (ahead, changed checksum, two heads, manifest) is refused first,
        // with the code and advice `upgrade` and `serve` give; drift against broken code means nothing.
        const refused = status.state !== 'in-step' && status.state !== 'pending';
        const missing = refused
          ? []
          : await findSchemaDrift({
              serverUrl: database.url,
              sources: app.config.sources,
              metadata: app.metadata(),
              freshShadow: options.freshShadow,
            });
        const ok = status.state === 'in-step' && missing.length === 0;
        if (reporter.json) {
          // One document is the whole answer in --json mode: it carries the code and the advice.
          reporter.document({
            ok,
            state: status.state,
            code: status.code ?? null,
            message: status.message,
            pending: status.pending.map((r) => r.id),
            missing,
          });
          if (!ok) process.exitCode = EXIT_FAILURE;
          return;
        }
        if (refused) assertInStep(status);
        if (missing.length > 0) {
          const lineages = [...new Set(missing.map((m) => m.lineage ?? 'app'))];
          reporter.line(`The entities differ from the committed revisions; a revision would contain:`);
          for (const m of missing) reporter.line(`  [${m.lineage ?? '?'}] ${m.sql}`);
          reporter.line(
            `Write it with: ${lineages.map((l) => `dazzle db revision --lineage ${l} -m "…"`).join(' and ')}`,
          );
        }
        assertInStep(status); // pending: the same NOT_AT_HEADS line `serve --no-migrate` gives
        if (ok)
          reporter.line(
            reporter.style('OK: the database is at heads and the revisions reproduce the entities.', 'green'),
          );
        else process.exitCode = EXIT_FAILURE;
      });
    });

  db.command('lint')
    .description("classify a revision's statements by PostgreSQL's locking and data rules")
    .argument('[revision]', 'a revision id or prefix (default: every revision of the lineage)')
    .option('--lineage <lineage>', 'framework or app', 'app')
    .addHelpText('after', '\nExample:\n  dazzle db lint 20261124')
    .action(async (revision: string | undefined, options: { lineage: string }, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      const app = await AppContext.load(globals, reporter);
      const graph = readRevisionGraph(app.config.sources);
      const { resolveRevision } = await import('@app/migrator');
      const targets: RevisionInfo[] = revision
        ? [graph.get(resolveRevision(graph, revision))!]
        : graph.lineageRevisions(options.lineage === 'framework' ? 'framework' : 'app');
      const results: Array<{ revision: string; findings: LintFinding[] }> = [];
      for (const info of targets) results.push({ revision: info.id, findings: await lintRevision(info) });
      reporter.document(results);
      let errors = 0;
      for (const { revision: id, findings } of results) {
        if (findings.length === 0) continue;
        reporter.line(id);
        for (const f of findings) {
          if (f.severity === 'error') errors += 1;
          reporter.line(
            `  ${reporter.style(formatFinding(f), f.severity === 'error' ? 'red' : f.severity === 'warning' ? 'yellow' : 'dim')}`,
          );
        }
      }
      const total = results.reduce((n, r) => n + r.findings.length, 0);
      reporter.line(
        `${results.length} revision${results.length === 1 ? '' : 's'} linted: ${total} finding${total === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}.`,
      );
      if (errors > 0) process.exitCode = EXIT_FAILURE;
    });
}
