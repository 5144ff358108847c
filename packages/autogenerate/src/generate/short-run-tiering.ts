/**
 * Why `revision` and `check` tune V8's optimizing compilers while they run. Both are short: a
 * second or a few of JavaScript and WebAssembly, most of it run once. V8's defaults are made for
 * long-running code, and here its optimizer spent more CPU than it saved:
 *
 * - libpg-query (WebAssembly generated from PostgreSQL's bison grammar) has two functions of 80 and
 *   100 kB; once parsing makes them hot V8 recompiles them with TurboFan on background threads,
 *   0.5 to 0.8 s of CPU per process. A `revision` parses a few hundred statements, which the
 *   baseline code (Liftoff) does in tens of milliseconds, so WebAssembly stays on Liftoff.
 * - TurboFan optimizes any JavaScript function once it has run about 66 kB of bytecode (V8's
 *   interrupt budget), which in a `revision` is hundreds of functions of TypeORM's schema builder,
 *   pg's parser and dazzle's own, most of them done before their optimized code arrives. With four
 *   times the budget only the really hot ones are optimized: a `revision` of 50 new tables used
 *   about 120 ms less CPU, one of 200 about 100 ms less. Turning TurboFan off altogether saved more
 *   at 50 and cost 300 ms at 200, where the hot loops need it (docs/benchmarks.md).
 *
 * V8 reads these settings when a function gets hot, not when it is compiled, so they hold for as
 * long as the work runs and are put back after. They change speed only, never results. The budget
 * is tuned only on the V8 line it was measured on (Node 20's 11.x), whose default it restores.
 * Left alone when the process was started with a tiering flag of its own (node --liftoff-only,
 * NODE_OPTIONS=--interrupt-budget=…): those are the user's to keep.
 */
import { setFlagsFromString } from 'node:v8';

/** `--liftoff-only` also turns off `--wasm-tier-up` and `--wasm-dynamic-tiering`, so all three go back. */
const WASM_SHORT_RUN = ['--liftoff-only'];
const WASM_DEFAULT = ['--no-liftoff-only', '--wasm-tier-up', '--wasm-dynamic-tiering'];

/** V8 11.x's default budget (66 KB of bytecode), and four times it (the measured best of 2, 4 and 8). */
const JS_DEFAULT = ['--interrupt-budget=67584'];
const JS_SHORT_RUN = ['--interrupt-budget=270336'];
const budgetMeasuredHere = () => process.versions.v8.startsWith('11.');

const TIERING_FLAG =
  /^--(no-)?(liftoff|liftoff-only|wasm-tier-up|wasm-dynamic-tiering|interrupt-budget|opt|turbofan)(=|$)/;

/** Runs of `work` in progress: the settings go back when the last one ends. */
let running = 0;
let budgetChanged = false;

function tieringSetByUser(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return given.some((flag) => TIERING_FLAG.test(flag.replace(/_/g, '-')));
}

function setFlags(flags: readonly string[]): void {
  for (const flag of flags) setFlagsFromString(flag);
}

/**
 * Runs `work` with the short-run tiering described in the module header.
 *
 * @example
 * return withShortRunTiering(() => generate(options));
 */
export async function withShortRunTiering<T>(work: () => Promise<T>): Promise<T> {
  if (tieringSetByUser()) return work();
  if (running++ === 0) {
    setFlags(WASM_SHORT_RUN);
    budgetChanged = budgetMeasuredHere();
    if (budgetChanged) setFlags(JS_SHORT_RUN);
  }
  try {
    return await work();
  } finally {
    if (--running === 0) {
      setFlags(WASM_DEFAULT);
      if (budgetChanged) setFlags(JS_DEFAULT);
    }
  }
}
