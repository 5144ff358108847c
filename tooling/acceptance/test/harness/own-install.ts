/**
 * An app with an npm install of its own, for suites that need a different set than the shared
 * template: other peer versions, or the production set without development and optional packages.
 * Our packages come from this run's tarballs (nested ranges too, as on a registry); everything
 * else from the npm registry, as an app author gets it.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

export interface OwnInstallOptions {
  /** Our packages the app lists itself (the rest arrive as their dependencies). */
  packages: readonly string[];
  /** Other packages and versions, from the registry. */
  registry?: Readonly<Record<string, string>>;
  /** Extra `npm install` arguments, e.g. `--omit=dev --omit=optional`. */
  npmArgs?: readonly string[];
}

/** Installs the app and returns its folder (under the run folder, removed with it). */
export function installOwnApp(label: string, options: OwnInstallOptions): string {
  const parent = join(inject('acceptanceRunDir'), 'own-installs');
  mkdirSync(parent, { recursive: true });
  const app = mkdtempSync(join(parent, `${label}-`));
  chmodSync(app, 0o755);
  const tarballs = Object.fromEntries(
    Object.entries(inject('acceptanceTarballs')).map(([name, tarball]) => [name, `file:${tarball}`]),
  );
  const own = Object.fromEntries(options.packages.map((name) => [name, tarballs[name]!]));
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify(
      {
        name: label,
        version: '1.0.0',
        private: true,
        dependencies: { ...own, ...options.registry },
        overrides: tarballs,
      },
      null,
      2,
    )}\n`,
  );
  execFileSync(
    'npm',
    ['install', '--no-package-lock', '--no-audit', '--no-fund', ...(options.npmArgs ?? [])],
    {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true' },
    },
  );
  return app;
}

/** Every folder under node_modules (nested ones too) holding a package of this name. */
export function packageCopies(app: string, name: string): string[] {
  const found: string[] = [];
  const walk = (modules: string) => {
    let entries: string[];
    try {
      entries = readdirSync(modules);
    } catch {
      return;
    }
    for (const entry of entries) {
      const names = entry.startsWith('@')
        ? readdirSync(join(modules, entry)).map((inner) => `${entry}/${inner}`)
        : [entry];
      for (const pkg of names) {
        const folder = join(modules, pkg);
        if (pkg === name) found.push(folder);
        walk(join(folder, 'node_modules'));
      }
    }
  };
  walk(join(app, 'node_modules'));
  return found;
}

/** Bytes on disk under a folder (what `du` counts, without following links). */
export function installedBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) total += installedBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}
