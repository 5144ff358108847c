/** Helpers every command uses to read the global flags and build its reporter. */
import type { Command } from 'commander';
import type { GlobalOptions } from './app-context';
import { Reporter } from './reporter';

export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

export function reporterFor(globals: GlobalOptions): Reporter {
  return new Reporter({ json: globals.json });
}
