/** Helpers every command uses to read the global flags, parse numeric flags and build its reporter. */
import { type Command, InvalidArgumentError } from 'commander';
import type { GlobalOptions } from './app-context';
import { Reporter } from './reporter';

export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

export function reporterFor(globals: GlobalOptions): Reporter {
  return new Reporter({ json: globals.json });
}

/**
 * A commander argParser for a whole, non-negative number of milliseconds (`--lock-timeout`).
 *
 * @example
 * program.option('--lock-timeout <ms>', 'how long to wait', parseMilliseconds('--lock-timeout'));
 */
export function parseMilliseconds(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value)))
      throw new InvalidArgumentError(
        `${flag} must be a whole number of milliseconds, 0 or more, got "${value}".`,
      );
    return Number(value);
  };
}

/** Checks a port from `--port` or `PORT`: 0 (any free port) to 65535. */
export function parsePortValue(value: string, source: string): number {
  const port = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535)
    throw new InvalidArgumentError(`${source} must be a port number from 0 to 65535, got "${value}".`);
  return port;
}

/** A commander argParser for `--port`. */
export function parsePort(value: string): number {
  return parsePortValue(value, '--port');
}
