/**
 * The vitest configuration every package shares. Tests are compiled by SWC rather than vitest's
 * default esbuild transform, because esbuild does not emit decorator metadata and TypeORM reads
 * implicit column types (`@Column() name: string`) from it.
 */
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

export const SWC_DECORATOR_OPTIONS = {
  jsc: {
    target: 'es2022' as const,
    parser: { syntax: 'typescript' as const, decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
};

/** Removes the folders each test file made with `makeTempDir` once the file is done. */
const REMOVE_TEMP_FOLDERS = fileURLToPath(new URL('./remove-temp-folders.js', import.meta.url));

export interface DazzleTestConfigOptions {
  /** Extra include globs; defaults to `test/**\/*.test.ts`. */
  include?: string[];
  testTimeout?: number;
  /** Extra globalSetup modules, run after the one that picks the PostgreSQL server. */
  globalSetup?: string[];
  /** Modules run in each test worker before its files (e.g. installing TypeScript support). */
  setupFiles?: string[];
  /**
   * Whether each test file gets a fresh worker process (vitest's `isolate`, the default). A
   * package whose suites keep no state in modules sets `false`: a worker then loads TypeORM, pg
   * and the package once for all its files instead of once per file. Each suite still makes its
   * own database and folders (`createTestDatabase`, `makeTempDir`), so no test sees another's.
   */
  isolate?: boolean;
}

export function defineDazzleTestConfig(options: DazzleTestConfigOptions = {}): ViteUserConfig {
  return defineConfig({
    plugins: [swc.vite(SWC_DECORATOR_OPTIONS)],
    test: {
      include: options.include ?? ['test/**/*.test.ts'],
      globalSetup: [
        fileURLToPath(new URL('./global-setup.js', import.meta.url)),
        ...(options.globalSetup ?? []),
      ],
      setupFiles: [REMOVE_TEMP_FOLDERS, ...(options.setupFiles ?? [])],
      testTimeout: options.testTimeout ?? 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
      isolate: options.isolate ?? true,
      // The JSON report feeds the one summary line `pnpm test` prints for the whole monorepo.
      reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
      maxWorkers: 2,
    },
  });
}

/**
 * The database-free run: only `test/unit/**`, without the globalSetup that starts PostgreSQL, so
 * the pure core's specifications run in seconds and mutation testing can re-run them per mutant.
 * `pnpm test` still runs these files through {@link defineDazzleTestConfig}.
 */
export function defineDazzleUnitTestConfig(
  options: Pick<DazzleTestConfigOptions, 'setupFiles'> = {},
): ViteUserConfig {
  return defineConfig({
    plugins: [swc.vite(SWC_DECORATOR_OPTIONS)],
    test: {
      include: ['test/unit/**/*.test.ts'],
      setupFiles: [REMOVE_TEMP_FOLDERS, ...(options.setupFiles ?? [])],
      testTimeout: 10_000,
      maxWorkers: 2,
    },
  });
}
