// `current`, `history`, `heads` and a no-op `upgrade` answer from the ledger and the revision
// folders: with the config's entities behind a loader, they never import an entity module. The
// entity module here throws when imported, so any of these commands that loaded it would fail.
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';

const LAZY_CONFIG = `import { defineConfig } from '@app/cli';

export default defineConfig({ entities: () => import('./src/item').then((m) => [m.Item]) });
`;

const NOTE_COLUMN =
  "@Column({ type: 'varchar', length: 10, nullable: true })\n  code: string | null;\n\n  @Column({ type: 'text', nullable: true })\n  note: string | null;";

/** The entity file as it is, behind a line that throws when the module is imported. */
function throwingEntity(): string {
  return `throw new Error('the entity module was imported');\n${itemEntity(NOTE_COLUMN)}`;
}

const INSPECT_VERBS = [
  ['db', 'current', '--json'],
  ['db', 'history', '--json'],
  ['db', 'heads', '--json'],
] as const;

/** Runs the inspect verbs and returns what each printed, parsed. */
async function inspect(app: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {};
  for (const verb of INSPECT_VERBS) {
    const result = await dazzle(app, verb, env);
    expect(result.code, `${verb.join(' ')}: ${result.stderr}`).toBe(0);
    answers[verb[1]] = JSON.parse(result.stdout);
  }
  return answers;
}

describe('commands that read where the database stands load no entity', () => {
  let db: TestDatabase;
  let app: string;
  let env: NodeJS.ProcessEnv;

  // One revision applied, one pending (generated through the loader), then the entity module is
  // made to throw on import, behind a config that lists it through a loader.
  beforeAll(async () => {
    db = await createTestDatabase('acceptance_coldstart');
    env = { DATABASE_URL: db.url };
    app = newApp('coldstart');
    writeFiles(app, { 'dazzle.config.ts': LAZY_CONFIG, 'src/item.ts': itemEntity() });
    expect((await dazzle(app, ['db', 'revision', '-m', 'create item'], env)).code).toBe(0);
    expect((await dazzle(app, ['db', 'upgrade'], env)).code).toBe(0);
    writeFiles(app, { 'src/item.ts': itemEntity(NOTE_COLUMN) });
    const next = await dazzle(app, ['db', 'revision', '-m', 'add note'], env);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(/Wrote .*add_note/);
    writeFiles(app, { 'src/item.ts': throwingEntity() });
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('current, history and heads answer without importing the entities, as they do with the entities imported', async () => {
    const lazy = await inspect(app, env);
    expect(lazy.current).toMatchObject({ state: 'pending', code: 'NOT_AT_HEADS', atHeads: false });
    const history = (lazy.history as Array<{ id: string; lineage: string; appliedAt: string | null }>).filter(
      (h) => h.lineage === 'app',
    );
    expect(history.map((h) => h.appliedAt === null)).toEqual([false, true]);
    expect(lazy.heads).toEqual({ framework: expect.any(Array), app: [history[1]!.id] });

    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity(NOTE_COLUMN) });
    try {
      expect(await inspect(app, env)).toEqual(lazy);
    } finally {
      writeFiles(app, { 'dazzle.config.ts': LAZY_CONFIG, 'src/item.ts': throwingEntity() });
    }
  });

  it('current, history and heads load no TypeORM module at all', async () => {
    // Preloaded into the binary's process: how many TypeORM files were loaded when it ends.
    writeFiles(app, {
      'count-typeorm.cjs': `process.on('exit', () => {
  const loaded = Object.keys(require.cache).filter((file) => file.includes('/node_modules/typeorm/'));
  process.stderr.write('[typeorm files loaded] ' + loaded.length + '\\n');
});
`,
    });
    const counting = { ...env, NODE_OPTIONS: `--require ${app}/count-typeorm.cjs` };
    for (const verb of INSPECT_VERBS) {
      const result = await dazzle(app, verb, counting);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr, verb.join(' ')).toContain('[typeorm files loaded] 0\n');
    }
    // The count is real: a command that builds metadata loads TypeORM.
    const check = await dazzle(app, ['db', 'check'], counting);
    expect(check.stderr).toMatch(/\[typeorm files loaded\] [1-9]\d*\n/);
  });

  it('current, history and heads load their own command module only, and not the fetch stack', async () => {
    // Preloaded: which of the CLI's command modules were loaded, and whether Node's fetch stack
    // (undici) was, which pg's Cloudflare Workers probe loads on Node 20 unless it is spared.
    writeFiles(app, {
      'count-modules.cjs': `process.on('exit', () => {
  const commands = Object.keys(require.cache)
    .filter((file) => file.includes('/@app/cli/dist/commands/'))
    .map((file) => file.split('/').pop())
    .sort();
  const undici = process.moduleLoadList.some((name) => name.includes('undici'));
  process.stderr.write('[command modules] ' + commands.join(' ') + '\\n[fetch stack loaded] ' + undici + '\\n');
});
`,
    });
    const counting = { ...env, NODE_OPTIONS: `--require ${app}/count-modules.cjs` };
    for (const verb of INSPECT_VERBS) {
      const result = await dazzle(app, verb, counting);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr, verb.join(' ')).toContain('[command modules] fleet.js inspect.js\n');
      expect(result.stderr, verb.join(' ')).toContain('[fetch stack loaded] false\n');
    }
    // The list is real: help lists every verb, so it loads every command module.
    const help = await dazzle(app, ['db', '--help'], counting);
    expect(help.code).toBe(0);
    expect(help.stderr).toMatch(/\[command modules\] (\S+\.js ){8,}/);
  });

  it('a command that needs the entities calls the loader, and reports its failure as CONFIG_INVALID', async () => {
    const check = await dazzle(app, ['db', 'check'], env);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/Error CONFIG_INVALID: .*the entity module was imported/);
  });

  it('upgrade runs the pending revision without the entities, and a second upgrade has nothing to do', async () => {
    const applied = await dazzle(app, ['db', 'upgrade', '--json'], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ noop: false, revisions: [{ lineage: 'app' }] });
    const note = await queryDatabase(
      db.url,
      "SELECT 1 FROM information_schema.columns WHERE table_name = 'item' AND column_name = 'note'",
    );
    expect(note).toHaveLength(1);

    const again = await dazzle(app, ['db', 'upgrade', '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ noop: true, revisions: [] });
    expect(
      await queryDatabase(db.url, 'SELECT id FROM "_dazzle_migrations" WHERE lineage = $1', ['app']),
    ).toHaveLength(2);
    expect((await inspect(app, env)).current).toMatchObject({ state: 'in-step', atHeads: true, pending: [] });
  });
});
