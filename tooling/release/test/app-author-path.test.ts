import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRevision } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTarball } from '../check-tarball.mjs';
import { packAll, REPO } from '../pack-packages.mjs';

type Packed = Array<{ name: string; folder: string; tarball: string }>;

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    },
  });
}

function dazzle(
  app: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number | null; out: string } {
  const result = spawnSync(
    process.execPath,
    [join(app, 'node_modules', '@app', 'cli', 'dist', 'bin.js'), ...args],
    {
      cwd: app,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    },
  );
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

/** The app's dependencies (and overrides, so nested ranges resolve to the same tarballs). */
function installFromTarballs(app: string, packed: Packed): void {
  const deps = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
  const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
  pkg.dependencies = { ...pkg.dependencies, ...deps, typeorm: '1.1.1', typescript: '5.9.3' };
  pkg.overrides = deps;
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  npm(['install', '--no-package-lock'], app);
}

/** A second build of @app/entities-framework: FeedbackReport gains a field, with its framework revision. */
function nextFrameworkTarball(outDir: string): string {
  const source = join(REPO, 'packages', 'entities-framework');
  const copy = join(outDir, 'entities-framework-next');
  cpSync(source, copy, {
    recursive: true,
    filter: (path) => !path.includes('node_modules') && !path.includes(`${source}/dist`),
  });
  symlinkSync(join(source, 'node_modules'), join(copy, 'node_modules'));
  const entity = join(copy, 'src', 'entities', 'feedback-report.ts');
  writeFileSync(
    entity,
    readFileSync(entity, 'utf8').replace(
      '  @CreateDateColumn(',
      "  @Column({ name: 'browser_locale', type: 'varchar', length: 20, nullable: true })\n  browserLocale: string | null;\n\n  @CreateDateColumn(",
    ),
  );
  const pkgFile = join(copy, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  pkg.version = '0.2.0';
  delete pkg.devDependencies;
  writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
  execFileSync(
    process.execPath,
    [join(source, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: copy },
  );
  const manifest = JSON.parse(readFileSync(join(copy, 'migrations', 'manifest.json'), 'utf8')) as {
    revisions: Array<{ id: string }>;
  };
  writeRevision({
    dir: join(copy, 'migrations'),
    lineage: 'framework',
    message: 'add browser_locale to FeedbackReport',
    parents: [manifest.revisions.at(-1)!.id],
    up: [{ sql: 'ALTER TABLE "feedback_report" ADD "browser_locale" character varying(20)' }],
    down: [{ sql: 'ALTER TABLE "feedback_report" DROP COLUMN "browser_locale"' }],
    format: 'js',
  });
  rmSync(join(copy, 'node_modules'));
  const tarball = npm(['pack', '--pack-destination', outDir], copy).trim().split('\n').at(-1)!;
  return join(outDir, tarball);
}

describe('the app author path, from packed tarballs', () => {
  let db: TestDatabase;
  let outDir: string;
  let packed: Packed;
  let app: string;

  beforeAll(async () => {
    db = await createTestDatabase('app_author');
    outDir = mkdtempSync(join(tmpdir(), 'dazzle-release-'));
    packed = packAll(outDir);
    app = mkdtempSync(join(tmpdir(), 'dazzle-author-'));
    chmodSync(app, 0o755);
    writeFileSync(join(app, 'package.json'), '{ "name": "my-app", "version": "1.0.0", "private": true }\n');
  }, 300_000); // packing six packages takes minutes on a busy machine
  afterAll(() => db?.drop());

  it('packs every public package into a tarball that passes publint and the content checks', async () => {
    expect(packed.map((p) => p.name)).toEqual([
      '@app/local-postgres',
      '@app/entities-framework',
      '@app/metadata-builder',
      '@app/migrator',
      '@app/server',
      '@app/cli',
    ]);
    for (const { tarball } of packed) {
      const result = await checkTarball(tarball);
      expect(result.problems, result.name).toEqual([]);
    }
  });

  it('installs with npm, then init → revision → upgrade → serve → the API answers', async () => {
    installFromTarballs(app, packed);
    const env = { DATABASE_URL: db.url };
    expect(dazzle(app, ['init']).code).toBe(0);
    const revision = dazzle(app, ['db', 'revision', '-m', 'init'], env);
    expect(revision.code, revision.out).toBe(0);
    const upgrade = dazzle(app, ['db', 'upgrade'], env);
    expect(upgrade.code, upgrade.out).toBe(0);
    expect(upgrade.out).toContain('Applied 2 revisions');

    // The installed packages' types resolve for a TypeScript app.
    writeFileSync(
      join(app, 'src', 'types-check.ts'),
      "import { defineConfig, type DazzleConfig } from '@app/cli';\nimport { Migrator } from '@app/migrator';\nexport const config: DazzleConfig = defineConfig({ entities: [] });\nexport type M = Migrator;\n",
    );
    execFileSync(
      process.execPath,
      [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', app],
      { cwd: app, encoding: 'utf8' },
    );

    const server = spawn(
      process.execPath,
      [join(app, 'node_modules', '@app', 'cli', 'dist', 'bin.js'), 'serve', '--port', '0'],
      { cwd: app, env: { ...process.env, ...env } },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (d) => {
        out += d;
        const match = /Serving on (\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      server.stderr.on('data', (d) => (out += d));
      server.on('close', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
    try {
      const created = await fetch(`${url}/api/note`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'first' }),
      });
      expect(created.status).toBe(201);
      expect(((await (await fetch(`${url}/api/note`)).json()) as { total: number }).total).toBe(1);
    } finally {
      server.kill('SIGTERM');
    }
  });

  it('lives through a framework upgrade: the new framework revision applies, check stays clean, no app revision touches a framework table', async () => {
    const next = nextFrameworkTarball(outDir);
    installFromTarballs(
      app,
      packed.map((p) => (p.name === '@app/entities-framework' ? { ...p, tarball: next } : p)),
    );
    const env = { DATABASE_URL: db.url };
    const upgrade = dazzle(app, ['db', 'upgrade'], env);
    expect(upgrade.code, upgrade.out).toBe(0);
    expect(upgrade.out).toMatch(/→ framework \d{14}_add_browser_locale_to_feedbackreport/);
    const check = dazzle(app, ['db', 'check'], env);
    expect(check.code, check.out).toBe(0);
    const nothing = dazzle(app, ['db', 'revision', '-m', 'after framework upgrade'], env);
    expect(nothing.out).toContain('No changes');
    for (const file of readdirSync(join(app, 'migrations')).filter((f) => f.endsWith('.ts'))) {
      expect(readFileSync(join(app, 'migrations', file), 'utf8')).not.toMatch(
        /"(feedback_report|ai_job|deploy_history|session_info)"/,
      );
    }
  });

  it('works with no database configured: the embedded default starts under .dazzle/', () => {
    const upgrade = dazzle(app, ['db', 'upgrade']);
    expect(upgrade.code, upgrade.out).toBe(0);
    expect(upgrade.out).toContain('(embedded default)');
    expect(upgrade.out).toMatch(/Applied 3 revisions/);
  });
});
