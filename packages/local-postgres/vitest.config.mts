// Not the shared @app/testing config: that package depends on this one (its embedded provider).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    // The JSON report feeds the one summary line `pnpm test` prints for the whole monorepo.
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
  },
});
