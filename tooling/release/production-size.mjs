// The installed size of the production set: the packed @app/cli and @app/server with their peers,
// installed the way docs/guides/deploying.md says (`npm install --omit=dev --omit=optional`), so a
// release reports what a deploy image carries. Run alone: `node tooling/release/production-size.mjs`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll } from './pack-packages.mjs';

/** The peers a deploy installs beside our packages: the highest supported versions. */
export const PRODUCTION_PEERS = { typeorm: '1.1.1', pg: '8.23.1' };

function bytesUnder(folder) {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) total += bytesUnder(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/**
 * Installs the production set from `packed` (name and tarball of every public package) into a
 * temporary app and returns its node_modules size in bytes and the packages it holds.
 */
export function measureProductionSet(packed) {
  const app = mkdtempSync(join(tmpdir(), 'dazzle-production-set-'));
  try {
    const tarballs = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
    const dependencies = {
      '@app/cli': tarballs['@app/cli'],
      '@app/server': tarballs['@app/server'],
      ...PRODUCTION_PEERS,
    };
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'production-set', private: true, dependencies, overrides: tarballs }),
    );
    execFileSync(
      'npm',
      ['install', '--omit=dev', '--omit=optional', '--no-package-lock', '--no-audit', '--no-fund'],
      { cwd: app, stdio: 'ignore', env: { ...process.env, npm_config_update_notifier: 'false' } },
    );
    const modules = join(app, 'node_modules');
    return { bytes: bytesUnder(modules), packages: readdirSync(modules).length };
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = mkdtempSync(join(tmpdir(), 'dazzle-production-pack-'));
  try {
    const { bytes } = measureProductionSet(packAll(out));
    console.log(`production set (npm install --omit=dev --omit=optional): ${(bytes / 1e6).toFixed(1)} MB`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
