/**
 * The `dazzle` command line: a thin layer over the migrator's and server's public APIs. Each
 * command lives in its own module under commands/.
 */
import { Command, CommanderError } from 'commander';
import { describeError, EXIT_USAGE, isVerbose, UsageError } from './cli-error';
import { registerCheck } from './commands/check';
import { registerInit } from './commands/init';
import { registerInspect } from './commands/inspect';
import { registerMaintenance } from './commands/maintenance';
import { registerRevision } from './commands/revision';
import { registerServe } from './commands/serve';
import { registerUpgrade } from './commands/upgrade';

export const VERSION: string = (require('../package.json') as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command('dazzle')
    .description('Every schema change of a dazzle app, through one migration system.')
    .version(VERSION)
    .option('--config <file>', 'the dazzle.config.ts to use (default: found from the current folder upwards)')
    .option(
      '--database-url <url>',
      'the database (default: DATABASE_URL, then the config, then the embedded PostgreSQL)',
    )
    .option('--lock-timeout <ms>', 'how long to wait for the migration lock')
    .option('--verbose', 'print stack traces on errors')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  const db = program.command('db').description('revisions and the database schema').exitOverride();
  registerRevision(db);
  registerUpgrade(db);
  registerInspect(db);
  registerMaintenance(db);
  registerCheck(db);
  registerServe(program);
  registerInit(program);
  for (const command of [...db.commands, ...program.commands]) command.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return 0;
      return EXIT_USAGE;
    }
    const { line, exitCode } = describeError(error);
    process.stderr.write(`${error instanceof UsageError ? 'Usage error: ' : 'Error '}${line}\n`);
    if (isVerbose(argv, env) && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    return exitCode;
  }
}
