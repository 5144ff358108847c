import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempApp, dazzle } from './helpers/temp-app';

async function columns(url: string, table: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ c: string }>(
      `SELECT column_name AS c FROM information_schema.columns WHERE table_name = $1 ORDER BY 1`,
      [table],
    );
    return rows.map((r) => r.c);
  } finally {
    await client.end();
  }
}

describe('dazzle, run as a subprocess through a whole workflow', () => {
  let db: TestDatabase;
  let app: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase('cli_workflow');
    app = createTempApp();
    env = { DATABASE_URL: db.url };
  });
  afterAll(() => db.drop());

  it('init → revision → upgrade → change → revision → upgrade → downgrade → check', async () => {
    const init = await dazzle(app, ['init']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('dazzle.config.ts');

    const first = await dazzle(app, ['db', 'revision', '-m', 'init'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Wrote .*migrations\/\d{14}_init\.ts \(1 statement\)/);
    expect(first.stderr).toContain('Database: postgres://postgres:***@');
    expect(first.stderr).toContain('(from DATABASE_URL)');

    const up = await dazzle(app, ['db', 'upgrade'], env);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/Applied 2 revisions in \d+ ms\./);
    expect(up.stderr).toMatch(/→ app\s+\d{14}_init/);
    expect(await columns(db.url, 'note')).toEqual(['body', 'created_at', 'id', 'title']);

    const entity = join(app, 'src', 'entities', 'note.ts');
    writeFileSync(
      entity,
      readFileSync(entity, 'utf8').replace(
        '  @CreateDateColumn',
        "  @Column({ type: 'boolean', default: false })\n  pinned: boolean;\n\n  @CreateDateColumn",
      ),
    );
    const second = await dazzle(app, ['db', 'revision', '-m', 'add pinned to note'], env);
    expect(second.code, second.stderr).toBe(0);
    const file = readdirSync(join(app, 'migrations')).find((f) => f.endsWith('_add_pinned_to_note.ts'))!;
    expect(readFileSync(join(app, 'migrations', file), 'utf8')).toContain(
      `ALTER TABLE "note" ADD "pinned" boolean NOT NULL DEFAULT false`,
    );

    const pending = await dazzle(app, ['db', 'check', '--json'], env);
    expect(pending.code).toBe(1);
    expect(JSON.parse(pending.stdout)).toMatchObject({ ok: false, pending: [file.replace('.ts', '')] });

    expect((await dazzle(app, ['db', 'upgrade'], env)).code).toBe(0);
    expect(await columns(db.url, 'note')).toContain('pinned');

    const current = await dazzle(app, ['db', 'current', '--json'], env);
    expect(JSON.parse(current.stdout)).toMatchObject({
      atHeads: true,
      current: { app: [file.replace('.ts', '')] },
    });
    const history = await dazzle(app, ['db', 'history', '--json'], env);
    expect((JSON.parse(history.stdout) as unknown[]).length).toBe(3);

    const down = await dazzle(app, ['db', 'downgrade', '-1'], env);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain('Reverted 1 revision');
    expect(await columns(db.url, 'note')).not.toContain('pinned');

    const sql = await dazzle(app, ['db', 'upgrade', '--sql'], env);
    expect(sql.stdout).toContain(`ALTER TABLE "note" ADD "pinned" boolean NOT NULL DEFAULT false;`);
    expect(await columns(db.url, 'note')).not.toContain('pinned');

    expect((await dazzle(app, ['db', 'upgrade'], env)).code).toBe(0);
    const check = await dazzle(app, ['db', 'check'], env);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('OK: the database is at heads');

    const lint = await dazzle(app, ['db', 'lint', '--json'], env);
    expect(lint.code).toBe(0);
    const heads = await dazzle(app, ['db', 'heads', '--json'], env);
    expect(JSON.parse(heads.stdout).app).toEqual([file.replace('.ts', '')]);
  }, 120_000);

  it('says "no changes" and writes nothing when the entities match', async () => {
    const result = await dazzle(app, ['db', 'revision', '-m', 'nothing new'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No changes');
  });

  it('loads a compiled JavaScript config and entities as well', async () => {
    const jsApp = createTempApp();
    writeFileSync(
      join(jsApp, 'dazzle.config.js'),
      `const { Column, Entity, PrimaryGeneratedColumn } = require('typeorm');
class Pet {}
PrimaryGeneratedColumn()(Pet.prototype, 'id');
Column({ type: 'varchar', length: 60 })(Pet.prototype, 'name');
Entity('pet')(Pet);
module.exports = { entities: [Pet], migrations: { dir: 'migrations', format: 'js' } };
`,
    );
    const result = await dazzle(jsApp, ['db', 'revision', '-m', 'pets'], env);
    expect(result.code, result.stderr).toBe(0);
    const file = readdirSync(join(jsApp, 'migrations')).find((f) => f.endsWith('_pets.js'))!;
    expect(readFileSync(join(jsApp, 'migrations', file), 'utf8')).toContain('CREATE TABLE "pet"');
  });
});
