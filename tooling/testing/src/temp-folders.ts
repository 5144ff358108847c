/**
 * One way for tests to make temporary folders, so that none outlives the test file that made it:
 * every folder made here is removed after the file's tests (the shared vitest config registers
 * that hook), and when the worker exits, also if the file failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();
let exitHookInstalled = false;

/**
 * Creates an empty folder under the system temp folder that is deleted after the current test file.
 *
 * @example
 * const app = makeTempDir('dazzle-app-');
 */
export function makeTempDir(prefix = 'dazzle-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', removeTempDirs);
  }
  return dir;
}

/** Deletes every folder {@link makeTempDir} made so far; returns how many it removed. */
export function removeTempDirs(): number {
  const dirs = [...made];
  made.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  return dirs.length;
}
