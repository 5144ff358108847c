import { defineDazzleUnitTestConfig } from '@app/testing/vitest-config';

// Unit tests only, no PostgreSQL: `npx vitest run -c vitest.unit.config.mts` (also what `pnpm mutation` runs).
export default defineDazzleUnitTestConfig({ setupFiles: ['test/helpers/typescript-setup.ts'] });
