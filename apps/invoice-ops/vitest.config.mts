import { defineDazzleTestConfig } from '@app/testing/vitest-config';

export default defineDazzleTestConfig();
