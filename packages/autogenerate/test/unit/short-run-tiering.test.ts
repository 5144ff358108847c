import { setFlagsFromString } from 'node:v8';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withShortRunTiering } from '../../src/generate/short-run-tiering';

/** The WebAssembly global, which the packages' TypeScript lib settings (no DOM) do not declare. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/**
 * A module whose one export, `hot(n)`, loops n / step times: run often, V8 optimizes it unless
 * tier-up is off. Each step gives different bytes, so a fresh module (V8 shares compiled code
 * between modules with the same bytes).
 */
function hotModule(step: number): (n: number) => number {
  // biome-ignore format: one line per part of the module
  const bytes = Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type: (i32) -> i32
    0x03, 0x02, 0x01, 0x00, // one function of that type
    0x07, 0x07, 0x01, 0x03, 0x68, 0x6f, 0x74, 0x00, 0x00, // export "hot"
    0x0a, 0x1b, 0x01, 0x19, 0x01, 0x01, 0x7f, // code: one body, one i32 local (acc)
    0x03, 0x40, // loop
    0x20, 0x01, 0x20, 0x00, 0x6a, 0x21, 0x01, // acc = acc + n
    0x20, 0x00, 0x41, step, 0x6b, 0x22, 0x00, // n = n - step
    0x0d, 0x00, 0x0b, // br_if loop, end
    0x20, 0x01, 0x0b, // acc, end
  ]);
  const instance = new wasm.Instance(new wasm.Module(bytes));
  return instance.exports.hot as (n: number) => number;
}

let isOptimized: (f: unknown) => boolean;
let optimizationStatus: (f: unknown) => number;

beforeAll(() => {
  // V8's test intrinsics, to ask which tier runs a function. The flag stays on for the rest of the
  // worker (files share it: isolate is off), where it only allows a syntax no other file uses.
  setFlagsFromString('--allow-natives-syntax');
  isOptimized = new Function('f', 'return %IsTurboFanFunction(f)') as (f: unknown) => boolean;
  optimizationStatus = new Function('f', 'return %GetOptimizationStatus(f)') as (f: unknown) => number;
});

/** Runs `hot` until V8 has optimized it or `ms` have passed; whether it was optimized. */
async function optimizedAfterHotUse(hot: (n: number) => number, step: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    hot(100_000 * step);
    if (isOptimized(hot)) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

const savedNodeOptions = process.env.NODE_OPTIONS;
afterEach(() => {
  if (savedNodeOptions === undefined) delete process.env.NODE_OPTIONS;
  else process.env.NODE_OPTIONS = savedNodeOptions;
});

describe('withShortRunTiering: WebAssembly', () => {
  it('keeps WebAssembly that gets hot during the work on baseline code', async () => {
    const optimized = await withShortRunTiering(() => optimizedAfterHotUse(hotModule(1), 1, 1_500));
    expect(optimized).toBe(false);
  });

  it('lets WebAssembly that gets hot afterwards be optimized as usual, also after the work failed', async () => {
    await withShortRunTiering(async () => undefined);
    expect(await optimizedAfterHotUse(hotModule(2), 2, 5_000)).toBe(true);
    await expect(
      withShortRunTiering(async () => {
        throw new Error('failed work');
      }),
    ).rejects.toThrow('failed work');
    expect(await optimizedAfterHotUse(hotModule(3), 3, 5_000)).toBe(true);
  });

  it('puts the setting back only when the last of overlapping runs ends', async () => {
    let endFirst = () => {};
    const first = withShortRunTiering(() => new Promise<void>((resolve) => (endFirst = resolve)));
    const second = withShortRunTiering(async () => {
      endFirst();
      await first;
      return optimizedAfterHotUse(hotModule(4), 4, 1_500);
    });
    expect(await second).toBe(false);
    expect(await optimizedAfterHotUse(hotModule(5), 5, 5_000)).toBe(true);
  });

  it('leaves tiering alone when the process was given a tiering flag of its own', async () => {
    process.env.NODE_OPTIONS = '--wasm-dynamic-tiering';
    const optimized = await withShortRunTiering(() => optimizedAfterHotUse(hotModule(6), 6, 5_000));
    expect(optimized).toBe(true);
  });
});

/** Bits of V8's %GetOptimizationStatus: optimized code, and a compile queued or running. */
const OPTIMIZED = 1 << 4;
const OPTIMIZATION_PENDING = (1 << 8) | (1 << 9) | (1 << 10);

let freshFunctions = 0;

/**
 * Whether a fresh JavaScript function, called `calls` times, has been optimized once any compile
 * it queued has finished. Counted in calls, not time: V8 decides to optimize by the bytecode run.
 */
async function optimizedAfterCalls(calls: number): Promise<boolean> {
  // A new source each time: V8 shares compiled functions between identical ones.
  const f = new Function(
    'a',
    `let s = a + ${++freshFunctions}; for (const k of [1, 2, 3]) s += k * a; return s;`,
  );
  for (let done = 0; done < calls; done += 100) {
    for (let i = 0; i < 100; i++) f(i);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const until = Date.now() + 10_000;
  while (optimizationStatus(f) & OPTIMIZATION_PENDING && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return (optimizationStatus(f) & OPTIMIZED) !== 0;
}

/** V8 11's default budget has this function optimized after 1,100 to 1,600 calls; four times it, after 4,200 to 4,400. */
const CALLS_PAST_DEFAULT_BUDGET = 3_000;

describe.runIf(process.versions.v8.startsWith('11.'))('withShortRunTiering: JavaScript', () => {
  it('optimizes JavaScript only after four times the usual bytecode while the work runs', async () => {
    expect(await optimizedAfterCalls(CALLS_PAST_DEFAULT_BUDGET)).toBe(true);
    const during = await withShortRunTiering(() => optimizedAfterCalls(CALLS_PAST_DEFAULT_BUDGET));
    expect(during).toBe(false);
  });

  it('puts the usual budget back after the work, also after it failed', async () => {
    await expect(
      withShortRunTiering(async () => {
        throw new Error('failed work');
      }),
    ).rejects.toThrow('failed work');
    expect(await optimizedAfterCalls(CALLS_PAST_DEFAULT_BUDGET)).toBe(true);
  });

  it('leaves the budget alone when the process was given a tiering flag of its own', async () => {
    process.env.NODE_OPTIONS = '--interrupt-budget=67584';
    expect(await withShortRunTiering(() => optimizedAfterCalls(CALLS_PAST_DEFAULT_BUDGET))).toBe(true);
  });
});
