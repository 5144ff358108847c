// `pnpm mutation [package|module…]`: mutation-tests the pure core with Stryker against each package's
// database-free unit tests (vitest.unit.config.mts), so a mutant never waits for PostgreSQL. Reports
// land in reports/mutation/<package>/ (HTML, JSON and the score table on stdout). Not part of CI: it
// takes minutes, and the scores it reports are tracked in docs/testing.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

/** The modules held to the mutation-score goal, per package (paths relative to the package). */
export const PURE_MODULES = {
  migrator: [
    'src/graph/plan.ts',
    'src/graph/revision-graph.ts',
    'src/sql/statement-facts.ts',
    'src/sql/quote.ts',
    'src/revision/manifest.ts',
  ],
  autogenerate: ['src/generate/cast-safety.ts', 'src/lint/lint-rules.ts'],
  server: ['src/http/entity-schema.ts'],
};

function selection(argument) {
  if (!argument) return Object.entries(PURE_MODULES);
  if (argument in PURE_MODULES) return [[argument, PURE_MODULES[argument]]];
  const wanted = argument.replace(/^packages\/[^/]+\//, '').replace(/\.ts$/, '');
  const found = Object.entries(PURE_MODULES)
    .map(([pkg, modules]) => [
      pkg,
      modules.filter((m) => m === `${wanted}.ts` || m.endsWith(`/${wanted}.ts`)),
    ])
    .filter(([, modules]) => modules.length > 0);
  if (found.length === 0) {
    const known = Object.entries(PURE_MODULES).flatMap(([pkg, modules]) => [pkg, ...modules]);
    console.error(
      `"${argument}" is neither a package nor a module under mutation test. Known: ${known.join(', ')}`,
    );
    process.exit(2);
  }
  return found;
}

function run(pkg, modules) {
  const cwd = join(root, 'packages', pkg);
  const reports = join(root, 'reports', 'mutation', pkg);
  mkdirSync(reports, { recursive: true });
  const config = {
    packageManager: 'pnpm',
    testRunner: 'vitest',
    vitest: { configFile: 'vitest.unit.config.mts' },
    plugins: [require.resolve('@stryker-mutator/vitest-runner')],
    mutate: modules,
    coverageAnalysis: 'perTest',
    concurrency: 2,
    timeoutMS: 10_000,
    reporters: ['clear-text', 'progress', 'html', 'json'],
    htmlReporter: { fileName: join(reports, 'index.html') },
    jsonReporter: { fileName: join(reports, 'mutation.json') },
    tempDirName: join(reports, '.stryker-tmp'),
    cleanTempDir: true,
    thresholds: { high: 85, low: 70, break: null },
  };
  const configFile = join(reports, 'stryker.config.json');
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  console.log(`\n[mutation] ${pkg}: ${modules.join(', ')}`);
  const stryker = join(dirname(require.resolve('@stryker-mutator/core/package.json')), 'bin', 'stryker.js');
  const result = spawnSync(process.execPath, [stryker, 'run', configFile], { cwd, stdio: 'inherit' });
  rmSync(join(cwd, 'test-results.json'), { force: true });
  console.log(`[mutation] ${pkg}: report in ${relative(root, join(reports, 'index.html'))}`);
  return result.status ?? 1;
}

/** Several arguments add up: `pnpm mutation plan revision-graph` mutates both, one Stryker run per package. */
function selections(args) {
  if (args.length === 0) return selection(undefined);
  const merged = new Map();
  for (const [pkg, modules] of args.flatMap(selection)) {
    merged.set(pkg, [...new Set([...(merged.get(pkg) ?? []), ...modules])]);
  }
  return [...merged];
}

const failures = selections(process.argv.slice(2))
  .map(([pkg, modules]) => run(pkg, modules))
  .filter((status) => status !== 0);
process.exit(failures.length > 0 ? 1 : 0);
