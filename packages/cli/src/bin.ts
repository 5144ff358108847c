#!/usr/bin/env node
/** The `dazzle` executable. */
if (!process.env.DEBUG) {
  // TypeORM issues overlapping queries on one pg client, which pg 8 reports as a deprecation on
  // every schema read; that is noise for people using the CLI, not something they can act on.
  process.noDeprecation = true;
}

// Required after the line above so the setting is in place before pg and TypeORM load.
const { run } = require('./program') as typeof import('./program');

void run(process.argv).then((code) => {
  process.exitCode = code;
});
