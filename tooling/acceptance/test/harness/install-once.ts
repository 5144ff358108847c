/**
 * vitest globalSetup: packs the public packages the way a release does and installs them with
 * npm into one template app outside the monorepo. Every suite's apps link that template's
 * node_modules, so the binary under test is exactly what an app author gets from the tarballs.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { CODES_SEEN_FILE, CODES_UNAVAILABLE_FILE } from './codes-seen';
import { HIGHEST_SUPPORTED } from './supported-versions';

declare module 'vitest' {
  export interface ProvidedContext {
    acceptanceRunDir: string;
    /** Each packed public package's tarball, by package name. */
    acceptanceTarballs: Record<string, string>;
  }
}

const REPO = join(import.meta.dirname, '..', '..', '..', '..');

interface Packed {
  name: string;
  tarball: string;
}

export default async function setup(project: TestProject): Promise<() => void> {
  const runDir = mkdtempSync(join(tmpdir(), 'dazzle-acceptance-'));
  chmodSync(runDir, 0o755);
  rmSync(CODES_SEEN_FILE, { force: true });
  rmSync(CODES_UNAVAILABLE_FILE, { force: true });
  mkdirSync(join(CODES_SEEN_FILE, '..'), { recursive: true });

  const packed = JSON.parse(
    execFileSync(
      process.execPath,
      [join(REPO, 'tooling', 'release', 'pack-packages.mjs'), join(runDir, 'tarballs')],
      {
        encoding: 'utf8',
      },
    ),
  ) as Packed[];
  const template = join(runDir, 'template');
  mkdirSync(template);
  const deps = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
  writeFileSync(
    join(template, 'package.json'),
    `${JSON.stringify(
      {
        name: 'acceptance-template',
        version: '1.0.0',
        private: true,
        dependencies: { ...deps, ...HIGHEST_SUPPORTED },
        // Nested ranges of our packages resolve to the same tarballs, as they would on a registry.
        overrides: deps,
      },
      null,
      2,
    )}\n`,
  );
  const started = Date.now();
  execFileSync('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund'], {
    cwd: template,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true' },
  });
  console.log(
    `[acceptance] installed ${packed.length} tarballs with npm in ${Math.round((Date.now() - started) / 1000)} s into ${template}`,
  );
  project.provide('acceptanceRunDir', runDir);
  project.provide('acceptanceTarballs', Object.fromEntries(packed.map((p) => [p.name, p.tarball])));
  return () => rmSync(runDir, { recursive: true, force: true });
}
