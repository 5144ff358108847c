import { describe, expect, it } from 'vitest';
import { validateConfig, validateLoadedEntities } from '../src/config/validate-config';

const FILE = '/app/dazzle.config.ts';

function problemOf(value: unknown): string {
  try {
    validateConfig(value, FILE);
  } catch (error) {
    expect((error as { code?: string }).code).toBe('CONFIG_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected validateConfig to refuse');
}

class Note {}

describe('validateConfig', () => {
  it('accepts a full config', () => {
    const config = {
      entities: [Note],
      migrations: { dir: 'migrations', format: 'ts' },
      framework: { enabled: true, migrationsDir: 'x' },
      database: {
        url: 'postgres://x',
        shadowUrl: 'postgresql://dev@localhost:5432/postgres',
        lockTimeoutMs: 1000,
        connectRetryMs: 0,
      },
      emptyDatabase: 'create-all',
      server: { host: '0.0.0.0', port: 8080, adminToken: 't' },
      version: '1.2.3',
    };
    expect(validateConfig(config, FILE)).toBe(config);
  });

  it('accepts an empty object (every key has a default)', () => {
    expect(validateConfig({}, FILE)).toEqual({});
  });

  it('refuses an unknown top-level key and suggests the nearest known one', () => {
    expect(problemOf({ migration: { dir: 'm' } })).toMatch(
      /^\/app\/dazzle\.config\.ts: unknown key `migration` \(did you mean `migrations`\?\)/,
    );
  });

  it('refuses an unknown nested key and names its path', () => {
    expect(problemOf({ database: { lockTimeout: 5 } })).toMatch(
      /unknown key `database\.lockTimeout` \(did you mean `database\.lockTimeoutMs`\?\)/,
    );
  });

  it('does not suggest anything for a key far from every known one', () => {
    const message = problemOf({ zzzzzzzzzz: 1 });
    expect(message).toMatch(/unknown key `zzzzzzzzzz`/);
    expect(message).not.toMatch(/did you mean/);
    expect(message).toMatch(/known keys: entities, migrations/);
  });

  it.each([
    [
      { entities: Note },
      /`entities` must be a list of entity classes, got the class Note: write `entities: \[Note\]`/,
    ],
    [
      { entities: 'src/entities' },
      /`entities` must be a list of entity classes or a function that loads them/,
    ],
    [{ entities: [Note, 'x'] }, /`entities\[1\]` must be an entity class/],
    [{ migrations: 'migrations' }, /`migrations` must be an object/],
    [
      { database: { shadowUrl: 'localhost:5432' } },
      /`database\.shadowUrl` must be a postgres:\/\/ or postgresql:\/\/ URL, got another string/,
    ],
    [
      { database: { shadowUrl: 5432 } },
      /`database\.shadowUrl` must be a postgres:\/\/ or postgresql:\/\/ URL, got a number/,
    ],
    [{ migrations: { dir: 5 } }, /`migrations\.dir` must be a string, got a number/],
    [{ migrations: { format: 'py' } }, /`migrations\.format` must be one of ts, js, got "py"/],
    [{ database: { lockTimeoutMs: '60s' } }, /`database\.lockTimeoutMs` must be a non-negative number/],
    [{ database: { lockTimeoutMs: -1 } }, /`database\.lockTimeoutMs` must be a non-negative number/],
    [{ server: { port: 70000 } }, /`server\.port` must be a port number/],
    [{ framework: { enabled: 'yes' } }, /`framework\.enabled` must be true or false/],
    [{ emptyDatabase: 'nuke' }, /`emptyDatabase` must be one of create-all, replay/],
  ])('refuses %j', (config, expected) => {
    expect(problemOf(config)).toMatch(expected);
  });

  it('accepts a function that loads the entities, and checks what it returns', () => {
    expect(validateConfig({ entities: () => [Note] }, '/app/dazzle.config.ts').entities).toBeTypeOf(
      'function',
    );
    expect(validateConfig({ entities: async () => [Note] }, '/app/dazzle.config.ts').entities).toBeTypeOf(
      'function',
    );
    expect(validateLoadedEntities([Note], '/app/dazzle.config.ts')).toEqual([Note]);
    expect(() => validateLoadedEntities(Note, '/app/dazzle.config.ts')).toThrow(
      /\/app\/dazzle.config.ts: `entities\(\)` must be a list of entity classes/,
    );
    expect(() => validateLoadedEntities(undefined, '/app/dazzle.config.ts')).toThrow(
      /`entities\(\)` must return a list of entity classes, got nothing/,
    );
  });

  it('refuses something that is not an object', () => {
    expect(problemOf(undefined)).toMatch(/must export a config object/);
    expect(problemOf([])).toMatch(/must export a config object/);
  });
});
