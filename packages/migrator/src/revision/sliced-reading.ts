/**
 * Reading a revision folder is a thousand or more small synchronous file reads. Written as a
 * generator that pauses every few dozen files, the same reading runs either straight through
 * (`readToEnd`, what every caller gets by default) or in slices with the event loop turning between
 * them (`readInSlices`): then I/O already under way, such as the ledger read's connection and
 * query, makes progress while the folders are read instead of waiting for them. Both drivers run
 * the one reading, so both give the same revisions, the same checks and the same errors.
 */

/** A reading that pauses (yields) between slices and returns its result at the end. */
export type SlicedReading<T> = Generator<void, T, void>;

/** How many files a reading reads between two pauses: a few milliseconds of work. */
export const FILES_PER_SLICE = 40;

/** Whether a reading pauses before its file number `index` (0-based): at the start of each slice but the first. */
export function startsSlice(index: number): boolean {
  return index > 0 && index % FILES_PER_SLICE === 0;
}

/** Runs a reading straight through, without pausing. */
export function readToEnd<T>(reading: SlicedReading<T>): T {
  for (;;) {
    const step = reading.next();
    if (step.done) return step.value;
  }
}

/** Runs a reading, letting the event loop turn at each pause. */
export async function readInSlices<T>(reading: SlicedReading<T>): Promise<T> {
  for (;;) {
    const step = reading.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
