/** `dazzle db revision`: autogenerate (or write empty) the next revision of a lineage. */
import { createInterface } from 'node:readline/promises';
import type { RenameCandidate, RenameHint } from '@app/autogenerate';
import type { Lineage } from '@app/migrator';
import type { Command } from 'commander';
import { withApp } from '../app-context';
import { UsageError } from '../cli-error';
import { loadAutogenerate } from '../optional-parts';
import { globalsOf, reporterFor } from '../program-support';

function parseRename(value: string): RenameHint {
  const match = /^(.+)\.([^.=]+)=([^.=]+)$/.exec(value);
  if (!match)
    throw new UsageError(
      `--rename expects table.old_column=new_column (or schema.table.old=new), got "${value}".`,
    );
  return { kind: 'column', table: match[1]!, from: match[2]!, to: match[3]! };
}

function parseTableRename(value: string): RenameHint {
  const match = /^([^=]+)=([^=.]+)$/.exec(value);
  if (!match) throw new UsageError(`--rename-table expects old_table=new_table, got "${value}".`);
  const from = match[1]!;
  const schema = from.includes('.') ? `${from.slice(0, from.lastIndexOf('.'))}.` : '';
  return { kind: 'table', table: `${schema}${match[2]}`, from: from.slice(schema.length), to: match[2]! };
}

async function askOnTerminal(candidate: RenameCandidate): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(
      `Was ${candidate.table}.${candidate.from} renamed to ${candidate.to}? Keeping its data needs a yes. [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

export function registerRevision(db: Command): void {
  db.command('revision')
    .description('write the next revision: the statements that bring the schema to the entities, made safe')
    .requiredOption('-m, --message <message>', 'what the revision changes; also names the file')
    .option('--lineage <lineage>', 'framework or app', 'app')
    .option('--empty', 'write a revision with no statements, to fill in by hand')
    .option(
      '--rename <table.old=new>',
      'a column that was renamed (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option(
      '--rename-table <old=new>',
      'a table that was renamed (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--allow-destructive', 'accept statements that drop or narrow data')
    .option(
      '--against <what>',
      'diff against a shadow replay of every revision (shadow, default) or a copy of the database at its heads (database)',
      'shadow',
    )
    .option(
      '--fresh-shadow',
      'replay every revision into a throwaway database instead of reusing the kept shadow (dazzle_cache_…)',
    )
    .option(
      '--no-online',
      'write DDL on existing tables as TypeORM does (no CONCURRENTLY, NOT VALID or CHECK steps) for this revision',
    )
    .option(
      '--expand',
      'write a table-rewriting column type change (integer → bigint) as an expand revision (new column, trigger, batched backfill) and a contract revision (switch), deployed one after the other',
    )
    .addHelpText(
      'after',
      '\nExample:\n  dazzle db revision -m "add po_number to invoice"\n  dazzle db revision -m "rename bank ref" --rename supplier.bank_reference=bank_account_ref',
    )
    .action(
      async (
        options: {
          message: string;
          lineage: string;
          empty?: boolean;
          rename: string[];
          renameTable: string[];
          allowDestructive?: boolean;
          against: string;
          freshShadow?: boolean;
          online: boolean;
          expand?: boolean;
        },
        command: Command,
      ) => {
        const globals = globalsOf(command);
        const reporter = reporterFor(globals);
        if (options.lineage !== 'app' && options.lineage !== 'framework')
          throw new UsageError(`--lineage must be app or framework, got "${options.lineage}".`);
        const lineage = options.lineage as Lineage;
        if (options.against !== 'shadow' && options.against !== 'database')
          throw new UsageError(`--against must be shadow or database, got "${options.against}".`);
        const renames = [...options.rename.map(parseRename), ...options.renameTable.map(parseTableRename)];
        const { formatFinding, generateRevision } = await loadAutogenerate('`dazzle db revision`');
        await withApp(globals, reporter, async (app) => {
          const database = await app.database();
          const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
          const result = await generateRevision({
            serverUrl: database.url,
            shadowServerUrl: app.config.config.database?.shadowUrl,
            sources: app.config.sources,
            metadata: await app.metadata(),
            lineage,
            message: options.message,
            renames,
            allowDestructive: options.allowDestructive,
            empty: options.empty,
            against: options.against as 'shadow' | 'database',
            freshShadow: options.freshShadow,
            online: options.online ? (app.config.config.migrations?.online ?? true) : false,
            expand: options.expand,
            confirmRename: interactive ? askOnTerminal : undefined,
            format: lineage === 'framework' ? 'js' : (app.config.config.migrations?.format ?? 'ts'),
          });
          reporter.document({
            written: Boolean(result.revision),
            id: result.revision?.id ?? null,
            file: result.revision?.file ?? null,
            statements: result.up.length,
            handFill: result.up.some((s) => s.handFill),
            notes: result.notes,
            findings: result.findings,
            ...(result.contract
              ? {
                  contract: {
                    id: result.contract.revision?.id ?? null,
                    file: result.contract.revision?.file ?? null,
                    statements: result.contract.up.length,
                    notes: result.contract.notes,
                    findings: result.contract.findings,
                  },
                }
              : {}),
          });
          if (!result.revision) {
            reporter.line(
              'No changes: the entities match what the committed revisions produce. Nothing written.',
            );
            return;
          }
          for (const written of [result, ...(result.contract ? [result.contract] : [])]) {
            reporter.line(
              `Wrote ${written.revision?.file} (${written.up.length} statement${written.up.length === 1 ? '' : 's'}).`,
            );
            for (const note of written.notes) reporter.line(`  ${note}`);
            for (const finding of written.findings)
              reporter.line(
                `  ${reporter.style(formatFinding(finding), finding.severity === 'error' ? 'red' : 'yellow')}`,
              );
          }
          if (result.up.some((s) => s.handFill))
            reporter.line(
              reporter.style(
                'It has a step to write by hand (marked dazzle:hand-fill); fill it in and run `dazzle db rehash`.',
                'yellow',
              ),
            );
          reporter.line(
            result.contract
              ? `Next: review both files and commit them with their manifest entries; deploy with \`dazzle db upgrade ${result.revision.id}\` (expand), and in a later deploy \`dazzle db upgrade\` (contract).`
              : 'Next: review the file, run `dazzle db upgrade`, then commit the file and its manifest entry (migrations/manifest/).',
          );
        });
      },
    );
}
