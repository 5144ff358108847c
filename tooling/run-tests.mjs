// Runs every check of the monorepo through turbo (build, lint, typecheck, test), then prints one
// summary line over all packages' vitest reports, and exits with turbo's exit code.
//
// One PostgreSQL serves the whole run: it is chosen (or started) here, before turbo, and handed
// to every package's tests as TEST_DATABASE_URL, so no package starts a server of its own. Here
// too the run's database census is held: every database the run made is dropped at the end, and
// the run fails if a suite left one behind. The server is stopped at the end, also on failure or
// when the run is interrupted. A package's own `npx vitest run` still starts its server alone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
/** Extra turbo arguments, e.g. `--filter=@app/server` to run one package's checks on the shared server. */
const turboArgs = process.argv.slice(2).filter((arg) => arg !== '--');
const shell = process.platform === 'win32';
const folders = ['packages', 'apps', 'tooling']
  .flatMap((group) =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group)).map((name) => join(root, group, name))
      : [],
  )
  .filter((path) => statSync(path).isDirectory());
for (const folder of folders) rmSync(join(folder, 'test-results.json'), { force: true });

/** Builds the test tooling (and what it depends on) so the run's server can be started from it. */
function buildTestTooling() {
  const build = spawnSync('turbo', ['run', 'build', '--filter=@app/testing'], {
    cwd: root,
    stdio: 'inherit',
    shell,
  });
  return build.status ?? 1;
}

/** Runs turbo, forwarding SIGINT/SIGTERM to it; resolves with its exit code (or the signal's). */
function runTurbo(env) {
  return new Promise((resolve) => {
    const child = spawn(
      'turbo',
      ['run', 'build', 'lint', 'typecheck', 'test', '--concurrency=2', '--continue', ...turboArgs],
      { cwd: root, stdio: 'inherit', shell, env },
    );
    let interrupted;
    const forward = (signal) => {
      interrupted = signal;
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(interrupted ? (interrupted === 'SIGINT' ? 130 : 143) : (code ?? 1));
    });
  });
}

function summarise() {
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
  return { passed, failed };
}

const toolingStatus = buildTestTooling();
if (toolingStatus !== 0) process.exit(toolingStatus);
const testing = await import(pathToFileURL(join(root, 'tooling', 'testing', 'dist', 'index.js')).href);
const { server, skipped } = await testing.chooseServer();
const reasons = skipped.length > 0 ? ` (passed over: ${skipped.join('; ')})` : '';
console.log(
  `[dazzle/testing] one PostgreSQL for the run: ${server.provider}: ${server.description}${reasons}`,
);
// Stops the server (and removes its data) even if this process is ended by a signal mid-cleanup.
const stopOnSignal = () => void server.stop().finally(() => process.exit(130));
let code = 1;
let leftBehind;
try {
  const census = await testing.takeDatabaseCensus(server.adminUrl);
  code = await runTurbo({ ...process.env, TEST_DATABASE_URL: server.adminUrl, DAZZLE_TEST_CENSUS: 'outer' });
  process.on('SIGINT', stopOnSignal);
  process.on('SIGTERM', stopOnSignal);
  const reclaimed = await testing.reclaimDatabases(census);
  console.log(
    `[dazzle/testing] databases: ${reclaimed.countBefore} before the run, ${reclaimed.countAfter} after; ${reclaimed.keptShadows.length} kept shadow(s) dropped`,
  );
  leftBehind = testing.leftBehindError(reclaimed);
  if (leftBehind) console.error(`[dazzle/testing] ${leftBehind.message}`);
} finally {
  await server.stop();
}

const { passed, failed } = summarise();
process.exit(code !== 0 ? code : failed > 0 || passed === 0 || leftBehind ? 1 : 0);
