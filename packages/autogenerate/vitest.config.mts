import { defineDazzleTestConfig } from '@app/testing/vitest-config';

export default defineDazzleTestConfig({ setupFiles: ['test/helpers/typescript-setup.ts'] });
