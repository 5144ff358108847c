import { defineDazzleTestConfig } from '@app/testing/vitest-config';

export default defineDazzleTestConfig({ testTimeout: 600_000 });
