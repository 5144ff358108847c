// Publishes packed tarballs lowest first, and can be rerun after any failure: a version the registry
// already has is skipped, a package goes out only once every @app dependency it names is on the
// registry at that exact version, and the first failure stops the run so nothing above it is published.
import { execFileSync, spawnSync } from 'node:child_process';

/** The registry npm uses when none is named: the `registry` setting of the user's npm config. */
export function defaultRegistry() {
  return execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
}

/**
 * The versions of `name` the registry holds (none if it has never heard of it), read anonymously:
 * every package released here is public. Any answer but 200 or 404 throws, so a registry that is
 * down or refuses is never taken for "not published yet".
 * @example await publishedVersions('@app/cli', 'http://127.0.0.1:4873/')
 */
export async function publishedVersions(name, registry) {
  const url = `${registry.replace(/\/?$/, '/')}${name.replace('/', '%2f')}`;
  const response = await fetch(url, { headers: { accept: 'application/vnd.npm.install-v1+json' } }).catch(
    (error) => ({ ok: false, status: error.cause?.code ?? error.cause?.message ?? error.message }),
  );
  if (response.status === 404) return [];
  if (!response.ok)
    throw new Error(
      `could not ask ${registry} which versions of ${name} it has (${response.status}). Check the registry URL and your network, then rerun.`,
    );
  return Object.keys((await response.json()).versions ?? {});
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
export async function publishInOrder(packed, { registry, provenance, log }) {
  const outcomes = [];
  const isPublished = async (name, version) => (await publishedVersions(name, registry)).includes(version);
  for (const [index, { tarball }] of packed.entries()) {
    const manifest = packedManifest(tarball);
    const label = `[${index + 1}/${packed.length}] ${manifest.name}@${manifest.version}`;
    if (await isPublished(manifest.name, manifest.version)) {
      log(`${label}: already on the registry, skipped`);
      outcomes.push({ name: manifest.name, version: manifest.version, status: 'already-published' });
      continue;
    }
    const missing = [];
    for (const dep of internalDependencies(manifest))
      if (!(await isPublished(dep.name, dep.version))) missing.push(dep);
    if (missing.length > 0)
      throw new Error(
        `${manifest.name}@${manifest.version} was not published: it needs ${missing.map((d) => `${d.name}@${d.version}`).join(', ')}, not on ${registry}. Publish lowest first (rerun \`pnpm release\`).`,
      );
    const args = ['publish', tarball, '--registry', registry, '--access', 'public'];
    if (provenance) args.push('--provenance');
    const result = spawnSync('npm', args, { encoding: 'utf8' });
    if (result.status !== 0) {
      const reason = `${result.stderr}${result.stdout}`
        .split('\n')
        .filter((line) => /^npm (error|ERR!)/.test(line))
        .slice(0, 2)
        .join('; ');
      throw new Error(
        `${label}: npm publish failed (${reason.trim()}). Packages below it are published; fix the cause and rerun \`pnpm release\`: it skips them and goes on from here.`,
      );
    }
    log(`${label}: published`);
    outcomes.push({ name: manifest.name, version: manifest.version, status: 'published' });
  }
  return outcomes;
}

/**
 * What is wrong with the `@app/*` versions the packed manifests name: each must be the version this
 * same release packs (the seven are one fixed group), so nothing goes out pointing at an older one.
 * @example internalVersionProblems([packedManifest('.release/app-cli-0.2.0.tgz'), …]) // [] when consistent
 */
export function internalVersionProblems(manifests) {
  const packing = new Map(manifests.map((manifest) => [manifest.name, manifest.version]));
  return manifests.flatMap((manifest) =>
    internalDependencies(manifest)
      .filter((dep) => packing.get(dep.name) !== dep.version)
      .map(
        (dep) =>
          `${manifest.name}@${manifest.version} depends on ${dep.name}@${dep.version}, but this release packs ${dep.name}@${packing.get(dep.name) ?? '(nothing)'}: run \`pnpm install\` after \`changeset version\`, then release again.`,
      ),
  );
}
