/**
 * Why `revision` and `check` keep V8 from optimizing the SQL parser. libpg-query is WebAssembly
 * generated from PostgreSQL's bison grammar: two of its functions are 80 and 100 kB of code, and
 * once parsing makes them hot V8 recompiles them with its optimizing compiler (TurboFan) on
 * background threads, 0.5 to 0.8 s of CPU per process. A `revision` parses a few hundred
 * statements, which V8's baseline code (Liftoff) does in tens of milliseconds: the optimization
 * cost more than the whole rest of dazzle's own work and never paid for itself.
 *
 * V8 reads the setting when a function gets hot, not when its module is compiled, so it is on for
 * as long as the work runs and put back after. It changes speed only, never results. Functions of
 * any WebAssembly that gets hot during the work stay on baseline code afterwards; WebAssembly that
 * gets hot later is optimized as usual. Left alone when the process was started with a tiering
 * flag of its own (node --liftoff-only, NODE_OPTIONS=…): those are the user's to keep.
 */
import { setFlagsFromString } from 'node:v8';

/** `--liftoff-only` also turns off `--wasm-tier-up` and `--wasm-dynamic-tiering`, so all three go back. */
const BASELINE_ONLY = ['--liftoff-only'];
const DEFAULT_TIERING = ['--no-liftoff-only', '--wasm-tier-up', '--wasm-dynamic-tiering'];
const TIERING_FLAG = /^--(no-)?(liftoff|liftoff-only|wasm-tier-up|wasm-dynamic-tiering)(=|$)/;

/** Runs of `work` in progress: the setting goes back when the last one ends. */
let running = 0;

function tieringSetByUser(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return given.some((flag) => TIERING_FLAG.test(flag.replace(/_/g, '-')));
}

/**
 * Runs `work` with WebAssembly kept on V8's baseline tier (see the module header).
 *
 * @example
 * return onBaselineWasm(() => generate(options));
 */
export async function onBaselineWasm<T>(work: () => Promise<T>): Promise<T> {
  if (tieringSetByUser()) return work();
  if (running++ === 0) for (const flag of BASELINE_ONLY) setFlagsFromString(flag);
  try {
    return await work();
  } finally {
    if (--running === 0) for (const flag of DEFAULT_TIERING) setFlagsFromString(flag);
  }
}
