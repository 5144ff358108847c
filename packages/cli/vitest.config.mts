import { defineDazzleTestConfig } from '@app/testing/vitest-config';

// The suites keep no state in modules (each makes its own apps and databases): a worker loads
// the package once for all its files.
export default defineDazzleTestConfig({ isolate: false });
