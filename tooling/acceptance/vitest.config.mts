import { defineDazzleTestConfig } from '@app/testing/vitest-config';

// The install happens once per run (pack + npm install); every suite then makes apps that share it.
// The suites keep no state in modules (each makes its own apps and databases): a worker loads the
// harness once for all its files.
export default defineDazzleTestConfig({
  testTimeout: 180_000,
  globalSetup: ['./test/harness/install-once.ts'],
  isolate: false,
});
