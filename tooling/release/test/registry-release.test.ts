// The release pipeline end to end, through a real registry: publish from a scratch copy of this
// workspace to a private Verdaccio, cut a release short and rerun it, install @app/cli into an app
// outside the monorepo by name and version, then version a framework change with changesets, publish
// it and upgrade the app. The steps build on each other, like a release does, so they run in order,
// except two that share nothing but the registry: the app installing 0.1.0 and the maintainers
// cutting 0.2.0 run at the same time, as they would in the world (describe.concurrent).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRevision } from '@app/autogenerate';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedPnpm } from '../pack-packages.mjs';
import { publishedVersions, publishInOrder } from '../publish-packages.mjs';
import { type AuthorApp, createAuthorApp } from './support/author-app';
import { type PrivateRegistry, type Publisher, startPrivateRegistry } from './support/private-registry';
import { type CommandResult, runCommand } from './support/run-command';
import { createScratchWorkspace, type ScratchWorkspace } from './support/scratch-workspace';

const LOWEST_FIRST = [
  'local-postgres',
  'entities-framework',
  'metadata-builder',
  'migrator',
  'autogenerate',
  'server',
  'cli',
];
/** The app's own `dazzle` binary, for the commands past the ones an author types with npx. */
const DAZZLE = join('node_modules', '.bin', 'dazzle');
const FRAMEWORK_TABLES = /"(feedback_report|ai_job|deploy_history|session_info)"/;

let registry: PrivateRegistry;
let scratch: ScratchWorkspace;
let app: AuthorApp;
let db: TestDatabase;

/** `pnpm release` in the scratch workspace, publishing as `publisher`; build and tests ran already. */
function release(publisher: Publisher): Promise<CommandResult> {
  return runCommand(
    process.execPath,
    [pinnedPnpm(), 'release', '--registry', registry.url, '--skip-build', '--skip-tests'],
    {
      cwd: scratch.root,
      // prefer-offline: the production-size install each release makes takes the public peers
      // (typeorm, pg) from npm's cache without asking the public registry again; our packages come
      // from the tarballs, and publishing and the already-published check always ask the registry.
      env: {
        ...process.env,
        npm_config_userconfig: registry.userConfig(publisher),
        npm_config_prefer_offline: 'true',
      },
    },
  );
}

/** The versions of each `@app/<folder>` the registry holds, lowest package first. */
async function versionsOnRegistry(): Promise<string[][]> {
  const versions: string[][] = [];
  for (const folder of LOWEST_FIRST) versions.push(await publishedVersions(`@app/${folder}`, registry.url));
  return versions;
}

function tags(): string[] {
  return scratch.git(['tag', '--list', '@app/*']).trim().split('\n').filter(Boolean).sort();
}

/** In the scratch workspace: FeedbackReport gains a field, with the framework revision that adds it. */
function changeFrameworkEntity(): void {
  const framework = join(scratch.root, 'packages', 'entities-framework');
  const entity = join(framework, 'src', 'entities', 'feedback-report.ts');
  writeFileSync(
    entity,
    readFileSync(entity, 'utf8').replace(
      '  @CreateDateColumn(',
      "  @Column({ name: 'browser_locale', type: 'varchar', length: 20, nullable: true })\n  browserLocale: string | null;\n\n  @CreateDateColumn(",
    ),
  );
  const manifest = JSON.parse(readFileSync(join(framework, 'migrations', 'manifest.json'), 'utf8')) as {
    revisions: Array<{ id: string }>;
  };
  writeRevision({
    dir: join(framework, 'migrations'),
    lineage: 'framework',
    message: 'add browser_locale to FeedbackReport',
    parents: [manifest.revisions.at(-1)!.id],
    up: [{ sql: 'ALTER TABLE "feedback_report" ADD "browser_locale" character varying(20)' }],
    down: [{ sql: 'ALTER TABLE "feedback_report" DROP COLUMN "browser_locale"' }],
    format: 'js',
  });
  writeFileSync(
    join(scratch.root, '.changeset', 'feedback-browser-locale.md'),
    "---\n'@app/entities-framework': minor\n---\n\n`FeedbackReport` records the browser's locale (`browserLocale`); the framework revision `add browser_locale to FeedbackReport` adds the column.\n",
  );
}

beforeAll(async () => {
  const starting = Promise.all([startPrivateRegistry(), createTestDatabase('release_registry')]);
  try {
    // While the registry and the database start in their own processes:
    scratch = createScratchWorkspace();
    pinnedPnpm();
  } finally {
    [registry, db] = await starting; // so afterAll stops them even if the copy failed
  }
  app = createAuthorApp(registry.url);
});

afterAll(async () => {
  await registry?.stop();
  scratch?.remove();
  app?.remove();
  await db?.drop();
});

describe('pnpm release --registry', () => {
  it('stops at the first package the registry refuses and publishes nothing above it', async () => {
    const cut = await release('intern');
    expect(cut.code, cut.out).toBe(1);
    expect(cut.out).toContain('[3/7] @app/metadata-builder@0.1.0: published');
    expect(cut.out).toMatch(
      /Release stopped: \[4\/7\] @app\/migrator@0\.1\.0: npm publish failed \(npm error code E403.*rerun `pnpm release`/,
    );
    expect(await versionsOnRegistry()).toEqual([['0.1.0'], ['0.1.0'], ['0.1.0'], [], [], [], []]);
    expect(tags()).toEqual([]);
  });

  it('refuses to publish a package whose @app dependencies are not on the registry', async () => {
    const cli = join(scratch.root, '.release', 'app-cli-0.1.0.tgz');
    await expect(
      publishInOrder([{ tarball: cli }], { registry: registry.url, provenance: false, log: () => {} }),
    ).rejects.toThrow(
      /@app\/cli@0\.1\.0 was not published: it needs (@app\/server@0\.1\.0, @app\/migrator@0\.1\.0|@app\/migrator@0\.1\.0, @app\/server@0\.1\.0), not on/,
    );
    expect(await publishedVersions('@app/cli', registry.url)).toEqual([]);
  });

  it('reruns: skips the versions already published, publishes the rest lowest first, tags every version', async () => {
    const rerun = await release('releaser');
    expect(rerun.code, rerun.out).toBe(0);
    expect(rerun.out).toContain('[1/7] @app/local-postgres@0.1.0: already on the registry, skipped');
    expect(rerun.out).toContain('[2/7] @app/entities-framework@0.1.0: already on the registry, skipped');
    expect(rerun.out).toContain('[3/7] @app/metadata-builder@0.1.0: already on the registry, skipped');
    const published = LOWEST_FIRST.slice(3).map((f) => rerun.out.indexOf(`@app/${f}@0.1.0: published`));
    expect(published.every((at) => at > 0)).toBe(true);
    expect(published).toEqual([...published].sort((a, b) => a - b));
    expect(rerun.out).toContain('Published 4, skipped 3 already on the registry.');
    expect(await versionsOnRegistry()).toEqual(LOWEST_FIRST.map(() => ['0.1.0']));
    expect(tags()).toEqual(LOWEST_FIRST.map((f) => `@app/${f}@0.1.0`).sort());
  });
});

describe.concurrent('0.1.0 is out: an app installs it while the maintainers cut 0.2.0', () => {
  it('an app installs @app/cli from the registry: npm install → init → revision → upgrade → serve answers, and the types resolve', async ({
    expect,
  }) => {
    const install = await app.start('npm', [
      'install',
      '@app/cli@0.1.0',
      'typeorm@1.1.1',
      'typescript@5.9.3',
    ]);
    expect(install.code, install.out).toBe(0);
    const env = { DATABASE_URL: db.url };
    const init = await app.start('npx', ['@app/cli', 'init']);
    expect(init.code, init.out).toBe(0);
    const revision = await app.start('npx', ['dazzle', 'db', 'revision', '-m', 'init'], env);
    expect(revision.code, revision.out).toBe(0);
    const upgrade = await app.start('npx', ['dazzle', 'db', 'upgrade'], env);
    expect(upgrade.code, upgrade.out).toBe(0);
    expect(upgrade.out).toContain('Applied 2 revisions');

    writeFileSync(
      join(app.folder, 'src', 'types-check.ts'),
      "import { defineConfig, type DazzleConfig } from '@app/cli';\nimport { Migrator } from '@app/migrator';\nexport const config: DazzleConfig = defineConfig({ entities: [] });\nexport type M = Migrator;\n",
    );
    const types = await app.start(join('node_modules', '.bin', 'tsc'), ['--noEmit', '-p', '.']);
    expect(types.code, types.out).toBe(0);

    const server = await app.serve(env);
    try {
      const created = await fetch(`${server.url}/api/note`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'first' }),
      });
      expect(created.status).toBe(201);
      expect(((await (await fetch(`${server.url}/api/note`)).json()) as { total: number }).total).toBe(1);
    } finally {
      server.stop();
    }
  });

  it('a framework change is versioned with changesets (the whole fixed group bumped to one version, every changelog written) and 0.2.0 of every package is published', async ({
    expect,
  }) => {
    changeFrameworkEntity();
    const version = await runCommand(join(scratch.root, 'node_modules', '.bin', 'changeset'), ['version'], {
      cwd: scratch.root,
      env: process.env,
    });
    expect(version.code, version.out).toBe(0);
    for (const folder of LOWEST_FIRST) {
      const pkg = JSON.parse(readFileSync(join(scratch.root, 'packages', folder, 'package.json'), 'utf8'));
      expect(pkg.version, folder).toBe('0.2.0');
      expect(readFileSync(join(scratch.root, 'packages', folder, 'CHANGELOG.md'), 'utf8')).toContain(
        '## 0.2.0',
      );
    }
    expect(
      readFileSync(join(scratch.root, 'packages', 'entities-framework', 'CHANGELOG.md'), 'utf8'),
    ).toContain('`FeedbackReport` records the browser');
    expect(readdirSync(join(scratch.root, '.changeset')).sort()).toEqual(['README.md', 'config.json']);

    const framework = join(scratch.root, 'packages', 'entities-framework');
    const build = await runCommand(
      process.execPath,
      [join(framework, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      { cwd: framework, env: process.env },
    );
    expect(build.code, build.stdout).toBe(0);
    scratch.commitAll('Version packages');
    const second = await release('releaser');
    expect(second.code, second.out).toBe(0);
    expect(second.out).toContain('Published 7, skipped 0 already on the registry.');
    expect(tags()).toEqual(LOWEST_FIRST.flatMap((f) => [`@app/${f}@0.1.0`, `@app/${f}@0.2.0`]).sort());
  });
});

describe('the app upgrades to 0.2.0', () => {
  it('the framework revision is pending, then applied', () => {
    const env = { DATABASE_URL: db.url };
    const install = app.run('npm', ['install', '@app/cli@0.2.0', '--prefer-online']);
    expect(install.code, install.out).toBe(0);
    const current = app.run(DAZZLE, ['db', 'current', '--json'], env);
    expect(current.code, current.out).toBe(0);
    const pending = (
      JSON.parse(current.stdout) as {
        pending: Array<{ lineage: string; message: string }>;
      }
    ).pending;
    expect(pending).toEqual([
      { id: expect.any(String), lineage: 'framework', message: 'add browser_locale to FeedbackReport' },
    ]);

    const upgrade = app.run('npx', ['dazzle', 'db', 'upgrade'], env);
    expect(upgrade.code, upgrade.out).toBe(0);
    expect(upgrade.out).toMatch(/→ framework \d{14}_add_browser_locale_to_feedbackreport/);
    const check = app.run(DAZZLE, ['db', 'check'], env);
    expect(check.code, check.out).toBe(0);
    const nothing = app.run(DAZZLE, ['db', 'revision', '-m', 'after framework upgrade'], env);
    expect(nothing.out).toContain('No changes');
    for (const file of readdirSync(join(app.folder, 'migrations')).filter((f) => f.endsWith('.ts')))
      expect(readFileSync(join(app.folder, 'migrations', file), 'utf8')).not.toMatch(FRAMEWORK_TABLES);
  });

  it('works with no database configured: the embedded default starts under .dazzle/', () => {
    const upgrade = app.run(DAZZLE, ['db', 'upgrade']);
    expect(upgrade.code, upgrade.out).toBe(0);
    expect(upgrade.out).toContain('(embedded default)');
    expect(upgrade.out).toMatch(/Applied 3 revisions/);
  });
});
