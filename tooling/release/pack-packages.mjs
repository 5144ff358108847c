// Packs every public package, in dependency order, the way `pnpm publish` would: pnpm rewrites
// `workspace:` ranges to real versions in the packed package.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');

/** Publishable packages, lowest first: each depends only on packages before it. */
export const PUBLIC_PACKAGES = [
  'local-postgres',
  'entities-framework',
  'metadata-builder',
  'migrator',
  'autogenerate',
  'server',
  'cli',
].map((folder) => ({
  folder: join(REPO, 'packages', folder),
  name: JSON.parse(readFileSync(join(REPO, 'packages', folder, 'package.json'), 'utf8')).name,
}));

let pnpmEntryPoint;

/**
 * The entry script of the pnpm this repository pins (package.json `packageManager`): the running
 * one when this process was started by pnpm, otherwise the copy npx keeps, looked up once.
 */
export function pinnedPnpm() {
  if (process.env.npm_execpath?.includes('pnpm')) return process.env.npm_execpath;
  if (!pnpmEntryPoint) {
    const pinned = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).packageManager;
    const bin = execFileSync('npx', ['-y', '-p', pinned, '-c', 'command -v pnpm'], {
      encoding: 'utf8',
    }).trim();
    pnpmEntryPoint = realpathSync(bin);
  }
  return pnpmEntryPoint;
}

/** Runs the pinned pnpm (see pinnedPnpm), however this script was started. */
export function pnpm(args, options = {}) {
  return execFileSync(process.execPath, [pinnedPnpm(), ...args], { encoding: 'utf8', ...options });
}

/** Packs one folder into outDir and returns the tarball path. */
export function packFolder(folder, outDir) {
  mkdirSync(outDir, { recursive: true });
  const out = pnpm(['pack', '--pack-destination', outDir], { cwd: folder });
  const tarball = out
    .trim()
    .split('\n')
    .filter((line) => line.endsWith('.tgz'))
    .at(-1);
  if (!tarball) throw new Error(`pnpm pack printed no tarball for ${folder}: ${out}`);
  return tarball.startsWith('/') ? tarball : join(outDir, tarball);
}

/** Packs every public package into outDir with one pnpm run; returns them lowest first. */
export function packAll(outDir) {
  mkdirSync(outDir, { recursive: true });
  const filters = PUBLIC_PACKAGES.flatMap(({ folder }) => ['--filter', `./${relative(REPO, folder)}`]);
  const out = pnpm(['--recursive', ...filters, 'pack', '--pack-destination', outDir, '--json'], {
    cwd: REPO,
  });
  if (!out.includes('[')) throw new Error(`pnpm pack printed no list of tarballs: ${out}`);
  const packed = new Map(JSON.parse(out.slice(out.indexOf('['))).map((p) => [p.name, p.filename]));
  return PUBLIC_PACKAGES.map((pkg) => {
    const tarball = packed.get(pkg.name);
    if (!tarball) throw new Error(`pnpm pack made no tarball for ${pkg.name}: ${out}`);
    return { ...pkg, tarball: tarball.startsWith('/') ? tarball : join(outDir, tarball) };
  });
}

// `node pack-packages.mjs <outDir>`: packs every public package there and prints the list as JSON,
// for test harnesses that install the tarballs as an app author would.
if (process.argv[1] === import.meta.filename) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node pack-packages.mjs <outDir>');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(packAll(outDir))}\n`);
}
