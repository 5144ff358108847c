import { defineDazzleTestConfig } from '@app/testing/vitest-config';

// The suites keep no state in modules (each makes its own database and folders): a worker loads
// TypeORM and the app once for all its files.
export default defineDazzleTestConfig({ setupFiles: ['test/helpers/typescript-setup.ts'], isolate: false });
