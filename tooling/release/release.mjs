// `pnpm release [--dry-run]`: build and test everything, pack every public package in dependency
// order, check each tarball, then publish — or, with --dry-run, stop right before publishing.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkTarball } from './check-tarball.mjs';
import { packAll, REPO } from './pack-packages.mjs';

const dryRun = process.argv.includes('--dry-run');
const skipTests = process.argv.includes('--skip-tests');
const run = (command, args) => execFileSync(command, args, { cwd: REPO, stdio: 'inherit' });

run('npx', ['turbo', 'run', 'build', ...(skipTests ? [] : ['test']), '--concurrency=2']);
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
if (failed) {
  console.error('Tarball checks failed: nothing was published.');
  process.exit(1);
}
if (dryRun) {
  console.log(`Dry run: ${packed.length} tarballs in .release/ passed every check; nothing was published.`);
} else {
  for (const { tarball } of packed) run('npm', ['publish', tarball, '--access', 'public']);
}
