// `pnpm release`: build and test everything, pack every public package lowest first, check each
// tarball, publish the versions the registry does not have yet, and tag them in git.
// Safe to rerun after any failure: see docs/guides/releasing.md.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkTarball } from './check-tarball.mjs';
import { packAll, REPO } from './pack-packages.mjs';
import { measureProductionSet } from './production-size.mjs';
import {
  defaultRegistry,
  internalVersionProblems,
  packedManifest,
  publishInOrder,
} from './publish-packages.mjs';
import { tagReleased } from './tag-release.mjs';

const USAGE =
  'usage: pnpm release [--dry-run] [--registry <url>] [--skip-build] [--skip-tests] [--provenance] [--no-git-tag]';
let options;
try {
  ({ values: options } = parseArgs({
    options: {
      'dry-run': { type: 'boolean', default: false },
      registry: { type: 'string' },
      'skip-build': { type: 'boolean', default: false },
      'skip-tests': { type: 'boolean', default: false },
      provenance: { type: 'boolean', default: false },
      'no-git-tag': { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}
const run = (command, args) => execFileSync(command, args, { cwd: REPO, stdio: 'inherit' });

const tasks = [...(options['skip-build'] ? [] : ['build']), ...(options['skip-tests'] ? [] : ['test'])];
if (tasks.length > 0) run('npx', ['turbo', 'run', ...tasks, '--concurrency=2']);
const outDir = join(REPO, '.release');
rmSync(outDir, { recursive: true, force: true });
const packed = packAll(outDir);
let failed = false;
for (const { tarball } of packed) {
  const result = await checkTarball(tarball);
  console.log(
    `${result.name}@${result.version}: ${result.files.length} files, ${result.problems.length === 0 ? 'ok' : 'PROBLEMS'}`,
  );
  for (const problem of result.problems) console.log(`  - ${problem}`);
  failed ||= result.problems.length > 0;
}
for (const problem of internalVersionProblems(packed.map(({ tarball }) => packedManifest(tarball)))) {
  console.log(`  - ${problem}`);
  failed = true;
}
if (!failed) {
  // What a deploy image carries (docs/guides/deploying.md); reported, not a gate.
  const { bytes } = measureProductionSet(packed);
  console.log(`production set (npm install --omit=dev --omit=optional): ${(bytes / 1e6).toFixed(1)} MB`);
}
if (failed) {
  console.error('Tarball checks failed: nothing was published.');
  process.exit(1);
}
if (options['dry-run']) {
  console.log(`Dry run: ${packed.length} tarballs in .release/ passed every check; nothing was published.`);
  process.exit(0);
}
const registry = options.registry ?? defaultRegistry();
console.log(`Publishing to ${registry}, lowest first:`);
let outcomes;
try {
  outcomes = await publishInOrder(packed, { registry, provenance: options.provenance, log: console.log });
} catch (error) {
  console.error(`Release stopped: ${error.message}`);
  process.exit(1);
}
const published = outcomes.filter((o) => o.status === 'published').length;
console.log(`Published ${published}, skipped ${outcomes.length - published} already on the registry.`);
if (!options['no-git-tag']) {
  try {
    tagReleased(REPO, outcomes, console.log);
  } catch (error) {
    console.error(`Published, but not tagged: ${error.message}`);
    process.exit(1);
  }
}
