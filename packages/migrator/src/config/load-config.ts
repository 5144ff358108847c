/**
 * Finds and loads `dazzle.config.{ts,mts,cts,js,mjs,cjs}` from the current folder upwards (or the
 * one --config names). TypeScript configs and the entities they import load without a build step.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FRAMEWORK_LINEAGE, frameworkMigrationsDir } from '@app/entities-framework/base';
import { MigratorError } from '../errors';
import type { MigrationSource } from '../revision/revision-set';
import { isTypeScriptFile, typeScriptSupportFor } from '../revision/typescript-support';
import { describeCompileError } from './compile-error';
import { CONFIG_DEFAULTS, type DazzleConfig, type ResolvedDazzleConfig } from './config';
import { firstUserFrame, remapStack } from './user-stack';
import { validateConfig, validateLoadedEntities } from './validate-config';

export const CONFIG_FILE_NAMES = [
  'dazzle.config.ts',
  'dazzle.config.mts',
  'dazzle.config.cts',
  'dazzle.config.js',
  'dazzle.config.mjs',
  'dazzle.config.cjs',
];

export interface LoadedConfig {
  /** The folder holding the config file: the app root. */
  readonly root: string;
  readonly file: string;
  readonly config: ResolvedDazzleConfig;
  readonly appMigrationsDir: string;
  readonly frameworkMigrationsDir: string;
  readonly sources: readonly MigrationSource[];
  readonly version: string;
}

export function findConfigFile(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** A loaded config whose entities may still be a loader: settings, folders, database, no entity classes. */
export interface LoadedSettings extends Omit<LoadedConfig, 'config'> {
  readonly config: DazzleConfig;
}

export interface LoadConfigOptions {
  cwd?: string;
  configPath?: string;
}

/**
 * Finds, evaluates and checks the config file, and calls its entity loader when it has one.
 *
 * @example
 * const { config, sources } = await loadConfig({ configPath: 'dazzle.config.ts' });
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  return loadEntities(await loadSettings(options));
}

/**
 * The config without calling its entity loader: what `current`, `history`, `heads` and the no-op
 * `upgrade` check need. A config that imports its entity classes still evaluates them (that is
 * what importing does); one that lists them through a loader (`entities: () => …`) does not.
 *
 * @example
 * const { sources, config } = await loadSettings(); // config.database?.url, the revision folders
 */
export async function loadSettings(options: LoadConfigOptions = {}): Promise<LoadedSettings> {
  const cwd = options.cwd ?? process.cwd();
  const file = options.configPath ? resolve(cwd, options.configPath) : findConfigFile(cwd);
  if (!file || !existsSync(file)) {
    throw new MigratorError(
      'CONFIG_NOT_FOUND',
      options.configPath
        ? `The config file ${file} does not exist: check the --config path.`
        : `No dazzle.config.ts (or .js/.mjs) in ${cwd} or any folder above it: run \`dazzle init\` to create one, or pass --config.`,
      { cwd },
    );
  }
  const config = await importConfig(file);
  const root = dirname(file);
  const appMigrationsDir = resolve(root, config.migrations?.dir ?? CONFIG_DEFAULTS.migrationsDir);
  const frameworkDir = config.framework?.migrationsDir
    ? resolve(root, config.framework.migrationsDir)
    : frameworkMigrationsDir;
  const frameworkEnabled = config.framework?.enabled !== false;
  return Object.freeze({
    root,
    file,
    config,
    appMigrationsDir,
    frameworkMigrationsDir: frameworkDir,
    sources: Object.freeze([
      ...(frameworkEnabled ? [{ lineage: FRAMEWORK_LINEAGE as 'framework', dir: frameworkDir }] : []),
      { lineage: 'app' as const, dir: appMigrationsDir },
    ]),
    version: config.version ?? packageVersion(root),
  });
}

/**
 * The settings with the entity loader called and its result checked; a config that lists classes
 * is returned as it is.
 *
 * @example
 * const config = await loadEntities(await loadSettings());
 */
export async function loadEntities(settings: LoadedSettings): Promise<LoadedConfig> {
  const { entities, ...rest } = settings.config;
  if (typeof entities !== 'function') return settings as LoadedConfig;
  let loaded: unknown;
  try {
    loaded = await entities();
  } catch (error) {
    throw loadFailure(settings.file, error);
  }
  const config = { ...rest, entities: validateLoadedEntities(loaded, settings.file) };
  return Object.freeze({ ...settings, config });
}

async function importConfig(file: string): Promise<DazzleConfig> {
  // Outside the try: a missing compiler is its own error, not a broken config.
  const typescript = isTypeScriptFile(file) ? typeScriptSupportFor(file) : undefined;
  let loaded: unknown;
  try {
    typescript?.register();
    loaded = file.endsWith('.mjs') ? await loadEsModule(file) : require(file);
  } catch (error) {
    throw loadFailure(file, error);
  }
  return validateConfig(configExport(file, loaded), file);
}

/** What Node says when require() cannot load an ES module: top-level await, or a Node before 20.19. */
const REQUIRE_CANNOT_LOAD = new Set(['ERR_REQUIRE_ASYNC_MODULE', 'ERR_REQUIRE_ESM']);

/**
 * An `.mjs` config, through require() where Node can, as a `.js` config in an ES-module package
 * already is: the same module namespace a dynamic import() gives, without starting the
 * asynchronous ESM loader (about 10 ms of a cold start). A config with top-level await cannot be
 * required (Node says so before running any of it) and is imported instead.
 */
async function loadEsModule(file: string): Promise<unknown> {
  try {
    return require(file);
  } catch (error) {
    if (!REQUIRE_CANNOT_LOAD.has((error as { code?: unknown }).code as string)) throw error;
    return import(file);
  }
}

/**
 * The config object a module exports: its default export; for a CommonJS `.js`/`.cjs` file,
 * `module.exports` itself. A module that exports nothing, or (in TypeScript and ES modules)
 * exports things but no default, has no config: undefined, which validateConfig refuses.
 */
function configExport(file: string, loaded: unknown): unknown {
  if (!loaded || typeof loaded !== 'object') return loaded;
  const mod = loaded as Record<string, unknown>;
  if ('default' in mod) return mod.default;
  const esModule = /\.(ts|cts|mts|mjs)$/.test(file) || mod.__esModule === true;
  return esModule || Object.keys(mod).length === 0 ? undefined : mod;
}

function loadFailure(file: string, error: unknown): MigratorError {
  const text = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  const compile = describeCompileError(text) ?? describeCompileError(cause);
  if (compile) {
    const where = `${compile.file}:${compile.line}:${compile.column}`;
    const imported = compile.file === file ? '' : ` (imported by ${file})`;
    return new MigratorError(
      'CONFIG_INVALID',
      `${where}: ${compile.message.slice(0, 300)}${imported}. Fix the file and run the command again.`,
      { file, at: compile },
      error,
    );
  }
  const message = text.replace(/\s+/g, ' ').trim();
  const stack = error instanceof Error && error.stack ? remapStack(error.stack) : undefined;
  const at = stack && firstUserFrame(stack, dirname(file));
  const failure = new MigratorError(
    'CONFIG_INVALID',
    `${file} could not be loaded: ${message.slice(0, 400)}${at ? ` (at ${at})` : ''}. Fix the file (or what it imports) and run the command again.`,
    { file, ...(at ? { at } : {}) },
    error,
  );
  // --verbose prints this error's stack: carry the author's own frames, on their lines.
  if (stack) failure.stack = `${failure.stack}\nCaused by: ${stack}`;
  return failure;
}

function packageVersion(root: string): string {
  for (let dir = root; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version;
      return version ?? '0.0.0';
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}
