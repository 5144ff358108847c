// Runs every check of the monorepo through turbo (build, lint, typecheck, test), then prints one
// summary line over all packages' vitest reports, and exits with turbo's exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const folders = ['packages', 'apps', 'tooling']
  .flatMap((group) =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group)).map((name) => join(root, group, name))
      : [],
  )
  .filter((path) => statSync(path).isDirectory());
for (const folder of folders) rmSync(join(folder, 'test-results.json'), { force: true });

const turbo = spawnSync(
  'turbo',
  ['run', 'build', 'lint', 'typecheck', 'test', '--concurrency=2', '--continue'],
  {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
let suites = 0;
for (const folder of folders) {
  const report = join(folder, 'test-results.json');
  if (!existsSync(report)) continue;
  const result = JSON.parse(readFileSync(report, 'utf8'));
  suites += 1;
  passed += result.numPassedTests;
  failed += result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0);
  skipped += result.numPendingTests + result.numTodoTests;
}
console.log(`\nAll packages (${suites} test runs):`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
const code = turbo.status ?? 1;
process.exit(code !== 0 ? code : failed > 0 || passed === 0 ? 1 : 0);
