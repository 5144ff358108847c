/**
 * Checks a loaded config against the table of keys dazzle knows, before anything reads it. A typo
 * (`migration:` for `migrations:`) or a wrong type must stop the command with one line naming the
 * key and the file: a silently ignored key means a default, and a default entities list of nothing
 * means "drop every table" proposals.
 */

import type { EntityClass } from '@app/metadata-builder';
import { MigratorError } from '../errors';
import type { DazzleConfig } from './config';

type Rule =
  | { readonly kind: 'string' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'milliseconds' }
  | { readonly kind: 'count' }
  | { readonly kind: 'port' }
  | { readonly kind: 'postgresUrl' }
  | { readonly kind: 'entities' }
  | { readonly kind: 'function' }
  | { readonly kind: 'plugins' }
  | { readonly kind: 'online' }
  | { readonly kind: 'oneOf'; readonly values: readonly string[] }
  | { readonly kind: 'object'; readonly keys: Readonly<Record<string, Rule>> };

const string = { kind: 'string' } as const;
const boolean = { kind: 'boolean' } as const;
const milliseconds = { kind: 'milliseconds' } as const;

/** Every key of DazzleConfig (config.ts) and what its value must be. */
export const CONFIG_SHAPE: Rule = {
  kind: 'object',
  keys: {
    entities: { kind: 'entities' },
    migrations: {
      kind: 'object',
      keys: {
        dir: string,
        format: { kind: 'oneOf', values: ['ts', 'js'] },
        lockTimeoutMs: milliseconds,
        lockRetries: { kind: 'count' },
        statementTimeoutMs: milliseconds,
        online: { kind: 'online' },
      },
    },
    framework: { kind: 'object', keys: { enabled: boolean, migrationsDir: string } },
    database: {
      kind: 'object',
      keys: {
        url: string,
        directUrl: { kind: 'postgresUrl' },
        shadowUrl: { kind: 'postgresUrl' },
        lockTimeoutMs: milliseconds,
        connectRetryMs: milliseconds,
      },
    },
    emptyDatabase: { kind: 'oneOf', values: ['create-all', 'replay'] },
    server: {
      kind: 'object',
      keys: {
        host: string,
        port: { kind: 'port' },
        adminToken: string,
        drainDelayMs: milliseconds,
        logLevel: { kind: 'oneOf', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
        publicEntities: { kind: 'entities' },
        privateEntities: { kind: 'entities' },
        plugins: { kind: 'plugins' },
        configureServer: { kind: 'function' },
      },
    },
    version: string,
  },
};

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isClass(value: object): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function isPostgresUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[b.length]!;
}

/** The known key closest to a misspelt one, when it is close enough to be the likely intent. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 3)) ? best.key : undefined;
}

/** The first problem with a value under a rule, as text after the file name; undefined when it fits. */
function problemWith(value: unknown, rule: Rule, path: string): string | undefined {
  if (value === undefined) return undefined; // every key is optional: its default lives in config.ts
  const name = `\`${path}\``;
  switch (rule.kind) {
    case 'string':
      return typeof value === 'string' ? undefined : `${name} must be a string, got ${describeValue(value)}`;
    case 'boolean':
      return typeof value === 'boolean'
        ? undefined
        : `${name} must be true or false, got ${describeValue(value)}`;
    case 'milliseconds':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0
        ? undefined
        : `${name} must be a non-negative number of milliseconds, got ${typeof value === 'number' ? value : describeValue(value)}`;
    case 'count':
      return Number.isInteger(value) && (value as number) >= 0
        ? undefined
        : `${name} must be a whole number of 0 or more, got ${typeof value === 'number' ? value : describeValue(value)}`;
    case 'port':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535
        ? undefined
        : `${name} must be a port number from 0 to 65535, got ${typeof value === 'number' ? value : describeValue(value)}`;
    case 'postgresUrl':
      return isPostgresUrl(value)
        ? undefined
        : `${name} must be a postgres:// or postgresql:// URL, got ${typeof value === 'string' ? 'another string' : describeValue(value)}`;
    case 'oneOf':
      return typeof value === 'string' && rule.values.includes(value)
        ? undefined
        : `${name} must be one of ${rule.values.join(', ')}, got ${describeValue(value)}`;
    case 'entities': {
      // A function is a loader (EntityLoader), called by the commands that need entities; a class
      // is one entity given without its list.
      if (typeof value === 'function' && path === 'entities') {
        if (!isClass(value)) return undefined;
        return `${name} must be a list of entity classes, got the class ${value.name || '(anonymous)'}: write \`entities: [${value.name || 'Entity'}]\``;
      }
      if (!Array.isArray(value))
        return `${name} must be a list of entity classes${path === 'entities' ? ' or a function that loads them' : ''}, got ${describeValue(value)}`;
      const index = value.findIndex((item) => typeof item !== 'function');
      return index === -1
        ? undefined
        : `\`${path}[${index}]\` must be an entity class, got ${describeValue(value[index])}`;
    }
    case 'online': {
      // true, false, or { except: [names] }; the names are resolved once entities are loaded (online-opt-out.ts).
      if (typeof value === 'boolean') return undefined;
      if (!isPlainObject(value))
        return `${name} must be true, false or { except: [...] }, got ${describeValue(value)}`;
      const unknown = Object.keys(value).find((key) => key !== 'except');
      if (unknown) return `unknown key \`${path}.${unknown}\`; known keys of \`${path}\`: except`;
      const except = value.except;
      if (except === undefined) return undefined;
      if (!Array.isArray(except))
        return `\`${path}.except\` must be a list of entity class or table names, got ${describeValue(except)}`;
      const index = except.findIndex((item) => typeof item !== 'string' || item === '');
      return index === -1
        ? undefined
        : `\`${path}.except[${index}]\` must be an entity class or table name (a string), got ${typeof except[index] === 'function' ? `the class ${except[index].name}: write '${except[index].name}'` : describeValue(except[index])}`;
    }
    case 'function':
      return typeof value === 'function'
        ? undefined
        : `${name} must be a function, got ${describeValue(value)}`;
    case 'plugins': {
      if (!Array.isArray(value))
        return `${name} must be a list of Fastify plugins, got ${describeValue(value)}`;
      const index = value.findIndex(
        (item) =>
          typeof item !== 'function' &&
          !(
            Array.isArray(item) &&
            typeof item[0] === 'function' &&
            (item[1] === undefined || isPlainObject(item[1]))
          ),
      );
      return index === -1
        ? undefined
        : `\`${path}[${index}]\` must be a Fastify plugin or [plugin, options], got ${describeValue(value[index])}`;
    }
    case 'object': {
      if (!isPlainObject(value)) return `${name} must be an object, got ${describeValue(value)}`;
      const known = Object.keys(rule.keys);
      for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        const childRule = rule.keys[key];
        if (!childRule) {
          const near = nearestKey(key, known);
          const prefix = path ? `${path}.` : '';
          return `unknown key \`${childPath}\`${near ? ` (did you mean \`${prefix}${near}\`?)` : ''}; known keys${path ? ` of \`${path}\`` : ''}: ${known.join(', ')}`;
        }
        const problem = problemWith(child, childRule, childPath);
        if (problem) return problem;
      }
      return undefined;
    }
  }
}

/**
 * Checks a config file's export and returns it typed, or throws CONFIG_INVALID naming the key.
 *
 * @example
 * validateConfig({ migration: { dir: 'm' } }, '/app/dazzle.config.ts');
 * // throws: /app/dazzle.config.ts: unknown key `migration` (did you mean `migrations`?); known keys: …
 */
export function validateConfig(value: unknown, file: string): DazzleConfig {
  if (!isPlainObject(value))
    throw new MigratorError(
      'CONFIG_INVALID',
      `${file} must export a config object: \`export default defineConfig({ entities: [...] })\`, got ${describeValue(value)}.`,
      { file },
    );
  const problem = problemWith(value, CONFIG_SHAPE, '');
  if (problem)
    throw new MigratorError(
      'CONFIG_INVALID',
      `${file}: ${problem}. Fix it in the file and run the command again.`,
      {
        file,
      },
    );
  return value as DazzleConfig;
}

/**
 * Checks what a config's entity loader returned, naming the file like validateConfig does.
 *
 * @example
 * validateLoadedEntities(await loader(), '/app/dazzle.config.ts');
 */
export function validateLoadedEntities(value: unknown, file: string): EntityClass[] {
  const problem = problemWith(value, { kind: 'entities' }, 'entities()');
  if (problem || value === undefined)
    throw new MigratorError(
      'CONFIG_INVALID',
      `${file}: ${problem ?? `\`entities()\` must return a list of entity classes, got ${describeValue(value)}`}. Fix it in the file and run the command again.`,
      { file },
    );
  return value as EntityClass[];
}
