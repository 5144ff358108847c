import { defineDazzleTestConfig } from '@app/testing/vitest-config';

// The install happens once per run (pack + npm install); every suite then makes apps that share it.
export default defineDazzleTestConfig({
  testTimeout: 180_000,
  globalSetup: ['./test/harness/install-once.ts'],
});
