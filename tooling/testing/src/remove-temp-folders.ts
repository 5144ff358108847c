/**
 * vitest setup file (in the shared config): after each test file, removes the temporary folders
 * its tests made with `makeTempDir`, whether they passed or not.
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-folders.js';

afterAll(() => {
  removeTempDirs();
});
