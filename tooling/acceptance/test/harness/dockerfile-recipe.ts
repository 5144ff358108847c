/**
 * Builds deploy/docker/Dockerfile without a Docker engine (none runs on these machines): each stage
 * becomes a folder standing in for the image's root file system, and its instructions are carried
 * out there in order: WORKDIR, COPY (from the build context or an earlier stage), ENV, and RUN
 * through `sh -c`. What the base image brings (Node.js and npm) is this machine's own. So the test
 * proves what the recipe's own lines do: which packages the runtime stage installs, that the
 * compiled app and its revisions land where the command expects them, and that the command serves.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';

export interface Instruction {
  readonly keyword: string;
  /** The text after the keyword, continuation lines joined. */
  readonly text: string;
  /** `--name=value` flags in front of the arguments (COPY --from, …). */
  readonly flags: Readonly<Record<string, string>>;
  /** The arguments: the JSON array of the exec form, or the words of the shell form. */
  readonly args: readonly string[];
}

export interface Stage {
  readonly name: string;
  /** The base image with build arguments substituted. */
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

/** The Dockerfile's stages, in order. Only the instructions the recipe uses are understood. */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) pending += `${line.slice(0, -1).trim()} `;
    else {
      logical.push(pending + line);
      pending = '';
    }
  }
  const buildArgs: Record<string, string> = {};
  const stages: { name: string; image: string; instructions: Instruction[] }[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = toInstruction(keyword.toUpperCase(), line.slice(keyword.length).trim());
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = instruction.text.split('=');
      buildArgs[name] = value;
    } else if (instruction.keyword === 'FROM') {
      const image = instruction.args[0]!.replace(/\$\{(\w+)\}/g, (_, name: string) => buildArgs[name] ?? '');
      const as = rest.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({ name: as === -1 ? String(stages.length) : rest[as + 1]!, image, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`Dockerfile: ${keyword} before the first FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

function toInstruction(keyword: string, text: string): Instruction {
  const flags: Record<string, string> = {};
  let rest = text;
  for (let flag = /^--([\w-]+)=(\S+)\s+/.exec(rest); flag; flag = /^--([\w-]+)=(\S+)\s+/.exec(rest)) {
    flags[flag[1]!] = flag[2]!;
    rest = rest.slice(flag[0].length);
  }
  const args = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
  return { keyword, text: rest, flags, args };
}

export function stageNamed(stages: readonly Stage[], name: string): Stage {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`Dockerfile has no stage "${name}" (stages: ${stages.map((s) => s.name)})`);
  return stage;
}

/** The last value an instruction of this keyword gives in a stage (CMD, USER, WORKDIR, …). */
export function lastOf(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

export interface BuiltStage {
  /** The folder standing in for the stage's root file system. */
  readonly root: string;
  /** The stage's working directory inside `root`. */
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
}

export interface BuildOptions {
  /** The build context: the app's folder. */
  readonly context: string;
  /** An empty folder to build the stage's root in. */
  readonly root: string;
  /** Stages built before, for `COPY --from`. */
  readonly built?: Readonly<Record<string, BuiltStage>>;
  /** Names the build context leaves out (the recipe's Dockerfile.dockerignore). */
  readonly ignore?: readonly string[];
  /**
   * Folders placed at the root of every stage before it builds, by absolute path in the image: the
   * stand-in for the npm registry, which serves this run's tarballs to `npm ci`.
   */
  readonly beside?: Readonly<Record<string, string>>;
}

/** Carries out one stage's instructions; throws with the command's output when a RUN fails. */
export function buildStage(stage: Stage, options: BuildOptions): BuiltStage {
  const inImage = (path: string) => join(options.root, path);
  for (const [path, from] of Object.entries(options.beside ?? {}))
    cpSync(from, inImage(path), { recursive: true });
  let workdir = '/';
  // A fresh image has its own HOME and npm cache: `npm cache clean` must not empty this machine's.
  const env: Record<string, string> = { HOME: '/root', npm_config_cache: '/root/.npm' };
  const resolveIn = (path: string) => (isAbsolute(path) ? path : join(workdir, path));
  for (const instruction of stage.instructions) {
    switch (instruction.keyword) {
      case 'WORKDIR':
        workdir = resolveIn(instruction.text);
        mkdirSync(inImage(workdir), { recursive: true });
        break;
      case 'ENV':
        for (const pair of instruction.args) {
          const [name = '', value = ''] = pair.split('=');
          env[name] = value;
        }
        break;
      case 'COPY': {
        const sources = instruction.args.slice(0, -1);
        const target = resolveIn(instruction.args.at(-1)!);
        const fromStage = instruction.flags.from;
        for (const source of sources) {
          const from = fromStage
            ? join(options.built?.[fromStage]?.root ?? missingStage(fromStage), source)
            : join(options.context, source);
          if ((options.ignore ?? []).includes(basename(source)) && !fromStage) continue;
          copyInto(from, inImage(target), target.endsWith('/') || sources.length > 1);
        }
        break;
      }
      case 'RUN':
        run(instruction.text, inImage(workdir), options.root, env);
        break;
      // What the image records for later (user, port, command) changes nothing on disk.
      case 'USER':
      case 'EXPOSE':
      case 'CMD':
      case 'ENTRYPOINT':
      case 'ARG':
        break;
      default:
        throw new Error(`Dockerfile: the test's builder does not know ${instruction.keyword}`);
    }
  }
  return { root: options.root, workdir: inImage(workdir), env: rooted(env, options.root) };
}

function missingStage(name: string): never {
  throw new Error(`COPY --from=${name}: that stage was not built first`);
}

/** Docker's COPY: a folder's contents go into the target; a file goes to or into it. */
function copyInto(from: string, to: string, intoFolder: boolean): void {
  if (!existsSync(from)) throw new Error(`COPY: ${from} does not exist in the build context`);
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) cpSync(join(from, entry), join(to, entry), { recursive: true });
    return;
  }
  const target = intoFolder ? join(to, basename(from)) : to;
  mkdirSync(intoFolder ? to : join(to, '..'), { recursive: true });
  cpSync(from, target);
}

/** Paths the stage's ENV gives inside the image, seen from this machine. */
function rooted(env: Record<string, string>, root: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, value.startsWith('/') ? join(root, value) : value]),
  );
}

function run(command: string, cwd: string, root: string, env: Record<string, string>): void {
  try {
    execFileSync('sh', ['-c', command], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, npm_config_update_notifier: 'false', ...rooted(env, root) },
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`RUN ${command} failed:\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`);
  }
}

/** Every file under a folder, relative, sorted: to show a command wrote nothing there. */
export function filesUnder(folder: string, skip: readonly string[] = []): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (skip.includes(relative)) continue;
      if (entry.isDirectory()) walk(join(dir, entry.name), relative);
      else found.push(relative);
    }
  };
  walk(folder, '');
  return found.sort();
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
