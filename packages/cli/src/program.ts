/**
 * The `dazzle` command line: a thin layer over the migrator's and server's public APIs. Each
 * command lives in its own module under commands/.
 */
import { Command } from 'commander';
import { isJson, isVerbose, reportError } from './cli-error';
import { modulesFor } from './command-table';
import { parseMilliseconds } from './program-support';

export const VERSION: string = (require('../package.json') as { version: string }).version;

/**
 * The whole command line, or with `argv` only the commands its verb needs (see command-table).
 *
 * @example
 * await buildProgram().parseAsync(['node', 'dazzle', 'db', 'heads']);
 */
export function buildProgram(argv?: readonly string[]): Command {
  // Set before any subcommand exists, so every command inherits them: commander's own usage
  // messages are printed by run() (one line, or the --json object), and help lists the globals.
  const program = new Command('dazzle')
    .configureOutput({ outputError: () => {} })
    .configureHelp({ showGlobalOptions: true })
    .description('Every schema change of a dazzle app, through one migration system.')
    .version(VERSION)
    .option('--config <file>', 'the dazzle.config.ts to use (default: found from the current folder upwards)')
    .option(
      '--database-url <url>',
      'the database (default: DATABASE_URL, then the config, then the embedded PostgreSQL)',
    )
    .option(
      '--lock-timeout <ms>',
      'how long to wait for the migration lock',
      parseMilliseconds('--lock-timeout'),
    )
    .option(
      '--json',
      'machine-readable output on stdout: the result, or the error as {code, message, exitCode}',
    )
    .option('--verbose', 'print stack traces on errors')
    .exitOverride();
  const db = program.command('db').description('revisions and the database schema').exitOverride();
  for (const module of modulesFor(argv)) module.load()(module.parent === 'db' ? db : program);
  for (const command of [...db.commands, ...program.commands]) command.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code (0 success, 1 failure, 2 usage); never throws. */
export async function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram(argv);
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help')
      return 0;
    return reportError(error, { json: isJson(argv), verbose: isVerbose(argv, env) });
  }
}
