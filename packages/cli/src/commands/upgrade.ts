/** `dazzle db upgrade` and `dazzle db downgrade`, online or as offline SQL (--sql). */

import type { RunResult } from '@app/migrator';
import type { Command } from 'commander';
import { withApp } from '../app-context';
import { migratorApi } from '../migrator-api';
import { globalsOf, reporterFor } from '../program-support';
import type { Reporter } from '../reporter';
import { askToDestroy, canAskAtTerminal, reportDestroyed } from './destroyed-data';
import { type FleetOptions, runFleetCommand, withFleetOptions } from './fleet';

function summarise(reporter: Reporter, result: RunResult, verb: string): void {
  reporter.document({
    noop: result.noop,
    method: result.method,
    createAllDeclined: result.createAllDeclined ?? null,
    durationMs: Math.round(result.durationMs),
    ...(result.destroyed ? { destroyed: result.destroyed } : {}),
    revisions: result.revisions.map((r) => ({
      id: r.id,
      lineage: r.lineage,
      message: r.message,
      direction: r.direction,
      durationMs: Math.round(r.durationMs),
    })),
  });
  if (result.noop) {
    reporter.line('Nothing to do: the database is already at the target.');
    return;
  }
  reportDestroyed(reporter, result.destroyed);
  if (result.createAllDeclined) reporter.line(migratorApi().createAllDeclinedLine(result.createAllDeclined));
  const n = result.revisions.length;
  const how = result.method === 'create-all' ? ' (tables created from the entities, revisions stamped)' : '';
  reporter.line(
    reporter.style(
      `${verb} ${n} revision${n === 1 ? '' : 's'} in ${Math.round(result.durationMs)} ms${how}.`,
      'green',
    ),
  );
}

/** Offline SQL: the script itself on stdout, or `{ "sql": "…" }` with --json. */
function sqlOut(reporter: Reporter, sql: string): void {
  if (reporter.json) reporter.document({ sql });
  else reporter.raw(sql);
}

export function registerUpgrade(db: Command): void {
  withFleetOptions(db.command('upgrade'))
    .description('apply pending revisions, each in its own transaction, under the migration lock')
    .argument('[target]', 'heads (default), app@head, framework@head, +N, or a revision id', 'heads')
    .option('--sql', 'print the SQL instead of running it (offline mode, for DBAs)')
    .option('--from-base', 'with --sql: render from an empty database instead of reading the ledger')
    .option(
      '--accept-checksum <id>',
      'accept the edited file of an applied revision (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .addHelpText(
      'after',
      '\nExamples:\n  dazzle db upgrade\n  dazzle db upgrade +1\n  dazzle db upgrade --sql > upgrade.sql\n  dazzle db upgrade --all tenants.txt --concurrency 8',
    )
    .action(
      async (
        target: string,
        options: { sql?: boolean; fromBase?: boolean; acceptChecksum: string[] } & FleetOptions,
        command: Command,
      ) => {
        const globals = globalsOf(command);
        const reporter = reporterFor(globals);
        if (options.all) return runFleetCommand('upgrade', options, globals, reporter);
        await withApp(globals, reporter, async (app) => {
          const started = performance.now();
          // Nothing to do is answered from the ledger and the folders, before TypeORM is loaded.
          if (!options.sql && (await app.isNoopUpgrade(target))) {
            const durationMs = performance.now() - started;
            summarise(reporter, { revisions: [], method: 'replay', noop: true, durationMs }, 'Applied');
            return;
          }
          const migrator = await app.migrator();
          if (options.sql) {
            sqlOut(reporter, await migrator.renderUpgradeSql({ target, fromBase: options.fromBase }));
            return;
          }
          // `emptyDatabase: 'create-all'` means the same here as in `serve`.
          const createAllFrom =
            app.config.config.emptyDatabase === 'create-all' ? (await app.metadata()).entities : undefined;
          summarise(
            reporter,
            await migrator.upgrade({ target, acceptChecksums: options.acceptChecksum, createAllFrom }),
            'Applied',
          );
        });
      },
    );

  db.command('downgrade')
    .description('revert applied revisions, newest first, under the migration lock')
    .argument('<target>', 'a revision id (kept applied), -N, app@-N, framework@-N, app@base, or base')
    .option('--sql', 'print the SQL instead of running it')
    .option('--allow-destructive', 'revert even when the downs drop tables or columns that hold data')
    .addHelpText('after', '\nExamples:\n  dazzle db downgrade -1\n  dazzle db downgrade app@base --sql')
    .action(
      async (target: string, options: { sql?: boolean; allowDestructive?: boolean }, command: Command) => {
        const globals = globalsOf(command);
        const reporter = reporterFor(globals);
        await withApp(globals, reporter, async (app) => {
          const migrator = await app.migrator();
          if (options.sql) {
            sqlOut(reporter, await migrator.renderDowngradeSql(target));
            return;
          }
          const result = await migrator.downgrade(target, {
            allowDestructive: options.allowDestructive,
            confirmLoss: canAskAtTerminal() && !reporter.json ? askToDestroy : undefined,
          });
          summarise(reporter, result, 'Reverted');
        });
      },
    );
}
