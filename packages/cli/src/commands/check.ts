/** `dazzle db check` (CI) and `dazzle db lint`. */
import type { LintFinding } from '@app/autogenerate';
import type { Lineage, RevisionInfo } from '@app/migrator';
import type { Command } from 'commander';
import { AppContext, withApp } from '../app-context';
import { EXIT_FAILURE } from '../cli-error';
import { migratorApi } from '../migrator-api';
import { loadAutogenerate } from '../optional-parts';
import { globalsOf, reporterFor } from '../program-support';
import { type FleetOptions, runFleetCommand, withFleetOptions } from './fleet';
import { checkLiveSchema } from './live-drift';

export function registerCheck(db: Command): void {
  withFleetOptions(db.command('check'))
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
    .action(async (options: { freshShadow?: boolean; live?: boolean } & FleetOptions, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      if (options.all) return runFleetCommand('check', options, globals, reporter);
      await withApp(globals, reporter, async (app) => {
        const { assertInStep } = migratorApi();
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
        const autogenerate = refused ? undefined : await loadAutogenerate('`dazzle db check`');
        const missing = !autogenerate
          ? []
          : await autogenerate.findSchemaDrift({
              serverUrl: database.url,
              shadowServerUrl: app.config.config.database?.shadowUrl,
              sources: app.config.sources,
              metadata: await app.metadata(),
              freshShadow: options.freshShadow,
            });
        const ok = status.state === 'in-step' && missing.length === 0;
        // An index a revision built (CONCURRENTLY) is declared on the entity, not dropped by a revision.
        const toDeclare = missing.filter((m) => m.declare);
        const toWrite = missing.filter((m) => !m.declare);
        // What `revision` would write (rewrites and guards included), from the same planning.
        const lineages = [...new Set(toWrite.flatMap((m) => m.lineage ?? []))] as Lineage[];
        const revisions =
          lineages.length === 0 || !autogenerate
            ? []
            : await autogenerate.previewRevisions({
                serverUrl: database.url,
                shadowServerUrl: app.config.config.database?.shadowUrl,
                online: app.config.config.migrations?.online ?? true,
                sources: app.config.sources,
                metadata: await app.metadata(),
                lineages,
                freshShadow: options.freshShadow,
              });
        if (reporter.json) {
          // One document is the whole answer in --json mode: it carries the code and the advice.
          reporter.document({
            ok,
            state: status.state,
            code: status.code ?? null,
            message: status.message,
            pending: status.pending.map((r) => r.id),
            missing,
            revisions,
          });
          if (!ok) process.exitCode = EXIT_FAILURE;
          return;
        }
        if (refused) assertInStep(status);
        if (toDeclare.length > 0) {
          reporter.line(
            'The revisions build indexes the entities do not declare; declare each on its entity:',
          );
          for (const m of toDeclare) reporter.line(`  ${m.declare}`);
        }
        if (toWrite.length > 0) {
          reporter.line(
            'The entities differ from the committed revisions; `dazzle db revision` would write:',
          );
          for (const m of toWrite.filter((m) => !m.lineage)) reporter.line(`  [?] ${m.sql}`);
          for (const r of revisions) {
            if (r.refused)
              reporter.line(
                `  [${r.lineage}] nothing yet: it stops with ${r.refused.code}: ${r.refused.message}`,
              );
            for (const sql of r.up) reporter.line(`  [${r.lineage}] ${sql}`);
          }
          reporter.line(
            `Write it with: ${(lineages.length > 0 ? lineages : ['app']).map((l) => `dazzle db revision --lineage ${l} -m "…"`).join(' and ')}`,
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
      const { formatFinding, lintRevision } = await loadAutogenerate('`dazzle db lint`');
      const { readRevisionGraph, resolveRevision } = migratorApi();
      const graph = readRevisionGraph(app.config.sources);
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
