// Publishes packed tarballs lowest first, and can be rerun after any failure: a version the registry
// already has is skipped, a package goes out only once every @app dependency it names is on the
// registry at that exact version, and the first failure stops the run so nothing above it is published.
import { execFileSync, spawnSync } from 'node:child_process';

/** The registry npm uses when none is named: the `registry` setting of the user's npm config. */
export function defaultRegistry() {
  return execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
}

/**
 * Whether `name@version` is on the registry. A missing package and a missing version both answer
 * false; any other failure (registry down, refused) throws, so it is never taken for "not there".
 * @example await isPublished('@app/cli', '0.2.0', 'http://127.0.0.1:4873/')
 */
export function isPublished(name, version, registry) {
  const result = spawnSync('npm', ['view', `${name}@${version}`, 'version', '--json', '--registry', registry], {
    encoding: 'utf8',
  });
  const out = result.stdout.trim();
  if (result.status === 0) return out !== '' && JSON.parse(out) === version;
  const code = out.startsWith('{') ? JSON.parse(out).error?.code : undefined;
  if (code === 'E404') return false;
  throw new Error(
    `Could not ask ${registry} whether ${name}@${version} is published: ${(out || result.stderr).trim().split('\n')[0]}. Check the registry URL and your network, then rerun.`,
  );
}

/** The `@app/*` dependencies a packed manifest names, with the exact versions pnpm wrote in. */
export function internalDependencies(manifest) {
  return Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })
    .filter(([name]) => name.startsWith('@app/'))
    .map(([name, version]) => ({ name, version }));
}

/** The manifest inside a tarball, as the registry will see it. */
export function packedManifest(tarball) {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

/**
 * Publishes each tarball in the order given (lowest first) and returns what happened to each:
 * `published`, `already-published` (skipped), or nothing past the first failure, which throws.
 * @example publishInOrder(packed, { registry: 'http://127.0.0.1:4873/', provenance: false, log: console.log })
 */
export function publishInOrder(packed, { registry, provenance, log }) {
  const outcomes = [];
  for (const [index, { tarball }] of packed.entries()) {
    const manifest = packedManifest(tarball);
    const label = `[${index + 1}/${packed.length}] ${manifest.name}@${manifest.version}`;
    if (isPublished(manifest.name, manifest.version, registry)) {
      log(`${label}: already on the registry, skipped`);
      outcomes.push({ name: manifest.name, version: manifest.version, status: 'already-published' });
      continue;
    }
    const missing = internalDependencies(manifest).filter((dep) => !isPublished(dep.name, dep.version, registry));
    if (missing.length > 0)
      throw new Error(
        `${manifest.name}@${manifest.version} was not published: it needs ${missing.map((d) => `${d.name}@${d.version}`).join(', ')}, not on ${registry}. Publish lowest first (rerun \`pnpm release\`).`,
      );
    const args = ['publish', tarball, '--registry', registry, '--access', 'public'];
    if (provenance) args.push('--provenance');
    const result = spawnSync('npm', args, { encoding: 'utf8' });
    if (result.status !== 0) {
      const reason = `${result.stderr}${result.stdout}`.split('\n').find((line) => /error/i.test(line)) ?? '';
      throw new Error(
        `${label}: npm publish failed (${reason.trim()}). Packages below it are published; fix the cause and rerun \`pnpm release\`: it skips them and goes on from here.`,
      );
    }
    log(`${label}: published`);
    outcomes.push({ name: manifest.name, version: manifest.version, status: 'published' });
  }
  return outcomes;
}

