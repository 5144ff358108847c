import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempApp, dazzle } from './helpers/temp-app';

/**
 * `dazzle db upgrade --sql` as a DBA uses it: the script is applied with
 * `psql -v ON_ERROR_STOP=1 -f`, and the database it leaves passes `dazzle db check`. The test
 * prefers psql (what the docs tell people to use); without it on PATH it falls back to sending
 * each of the script's units with `pg` (a transaction block whole, any other statement alone),
 * which is how psql sends them too.
 */

// DAZZLE_TEST_NO_PSQL=1 exercises the fallback on a machine that has psql.
const PSQL = !process.env.DAZZLE_TEST_NO_PSQL && spawnSync('psql', ['--version']).status === 0;

async function applyScript(url: string, file: string): Promise<{ ok: boolean; output: string }> {
  if (PSQL) {
    const run = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], {
      encoding: 'utf8',
    });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const unit of scriptUnits(readFileSync(file, 'utf8'))) await client.query(unit);
    return { ok: true, output: '' };
  } catch (error) {
    return { ok: false, output: (error as Error).message };
  } finally {
    await client.end();
  }
}

/** BEGIN…COMMIT blocks whole, other statements one by one (statements end a line with `;`). */
function scriptUnits(script: string): string[] {
  const units: string[] = [];
  let unit: string[] = [];
  let inBlock = false;
  for (const line of script.split('\n')) {
    if (line.startsWith('--') || line.trim() === '') continue;
    unit.push(line);
    if (line === 'BEGIN;') inBlock = true;
    if (line === 'COMMIT;') inBlock = false;
    if (!inBlock && line.endsWith(';')) {
      units.push(unit.join('\n'));
      unit = [];
    }
  }
  return units;
}

const INDEX_REVISION = '29990101000000_index_note_title_concurrently';

describe('dazzle db upgrade --sql: a script psql applies, leaving the database in step', () => {
  let app: string;
  let initId: string;
  const databases: TestDatabase[] = [];

  beforeAll(async () => {
    const shadow = await createTestDatabase('cli_offline_template');
    databases.push(shadow);
    app = createTempApp();
    expect((await dazzle(app, ['init'])).code).toBe(0);
    const first = await dazzle(app, ['db', 'revision', '-m', 'init'], { DATABASE_URL: shadow.url });
    expect(first.code, first.stderr).toBe(0);
    initId = readdirSync(join(app, 'migrations'))
      .find((f) => /^\d{14}_init\.ts$/.test(f))!
      .replace(/\.ts$/, '');
    // A non-transactional revision, as the lint rule advises for an index on a live table; the
    // entity declares the same index so `check` finds no drift.
    const entity = join(app, 'src', 'entities', 'note.ts');
    writeFileSync(
      entity,
      readFileSync(entity, 'utf8')
        .replace('import { Column,', 'import { Column, Index,')
        .replace("@Entity('note')", "@Index('IDX_note_title', ['title'])\n@Entity('note')"),
    );
    writeFileSync(
      join(app, 'migrations', `${INDEX_REVISION}.ts`),
      `import type { QueryRunner } from 'typeorm';

export const revision = { id: '${INDEX_REVISION}', parents: ['${initId}'], dependsOn: [], message: 'index note title concurrently', transactional: false };

export async function up(db: QueryRunner): Promise<void> {
  await db.query('CREATE INDEX CONCURRENTLY "IDX_note_title" ON "note" ("title")');
}

export async function down(db: QueryRunner): Promise<void> {
  await db.query('DROP INDEX CONCURRENTLY "IDX_note_title"');
}
`,
    );
    expect((await dazzle(app, ['db', 'rehash'])).code).toBe(0);
  });

  afterAll(async () => {
    for (const db of databases) await db.drop();
    rmSync(app, { recursive: true, force: true });
  });

  it('--from-base applies to an empty database with ON_ERROR_STOP and leaves it in step', async () => {
    const db = await createTestDatabase('cli_offline_from_base');
    databases.push(db);
    const env = { DATABASE_URL: db.url };
    const rendered = await dazzle(app, ['db', 'upgrade', '--sql', '--from-base'], env);
    expect(rendered.code, rendered.stderr).toBe(0);
    const script = rendered.stdout;
    expect(script).toMatch(/CREATE TABLE IF NOT EXISTS "_dazzle_migrations"/);
    expect(script).toMatch(/^-- Upgrade framework revision /m);
    expect(script).toContain(`-- Upgrade app revision ${INDEX_REVISION}`);
    // Nothing that differs run to run: a second render is byte-identical, and no pid is in it.
    const again = await dazzle(app, ['db', 'upgrade', '--sql', '--from-base'], env);
    expect(again.stdout).toBe(script);
    expect(script).not.toContain(`:${process.pid}`);
    expect(script).not.toMatch(/:\d+'/); // the online runner's "host:pid" applied_by

    const file = join(app, 'from-base.sql');
    writeFileSync(file, script);
    const applied = await applyScript(db.url, file);
    expect(applied.ok, applied.output).toBe(true);

    const ledger = await queryDatabase<{ id: string; applied_by: string }>(
      db.url,
      'SELECT id, applied_by FROM _dazzle_migrations ORDER BY id',
    );
    expect(ledger.map((r) => r.id)).toContain(INDEX_REVISION);
    expect(new Set(ledger.map((r) => r.applied_by))).toEqual(new Set(['dazzle db upgrade --sql']));
    const current = await dazzle(app, ['db', 'current', '--json'], env);
    expect(JSON.parse(current.stdout)).toMatchObject({ state: 'in-step', code: null });
    const check = await dazzle(app, ['db', 'check'], env);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect((await dazzle(app, ['db', 'upgrade'], env)).stdout).toContain('Nothing to do');
  });

  it('without --from-base renders what the ledger lacks, and applies on top of it', async () => {
    const db = await createTestDatabase('cli_offline_from_ledger');
    databases.push(db);
    const env = { DATABASE_URL: db.url };
    const partial = await dazzle(app, ['db', 'upgrade', initId], env);
    expect(partial.code, partial.stderr).toBe(0);

    const rendered = await dazzle(app, ['db', 'upgrade', '--sql'], env);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.stdout).toContain(`-- Upgrade app revision ${INDEX_REVISION}`);
    expect(rendered.stdout).not.toContain(`revision ${initId}`);
    // The app's init needs nothing of the framework, so the framework lineage is still to apply.
    expect(rendered.stdout).toMatch(/^-- Upgrade framework revision /m);
    const file = join(app, 'rest.sql');
    writeFileSync(file, rendered.stdout);
    const applied = await applyScript(db.url, file);
    expect(applied.ok, applied.output).toBe(true);

    const check = await dazzle(app, ['db', 'check'], env);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('refuses what upgrade refuses: a database ahead of the code gets no script', async () => {
    const db = await createTestDatabase('cli_offline_ahead');
    databases.push(db);
    const env = { DATABASE_URL: db.url };
    expect((await dazzle(app, ['db', 'upgrade', initId], env)).code).toBe(0);
    await queryDatabase(
      db.url,
      `INSERT INTO _dazzle_migrations (id, lineage, message, checksum, applied_by) VALUES ('29990202000000_from_the_future', 'app', 'x', repeat('0', 64), 'test')`,
    );
    const rendered = await dazzle(app, ['db', 'upgrade', '--sql'], env);
    expect(rendered.code).toBe(1);
    expect(rendered.stdout).toBe('');
    expect(rendered.stderr).toMatch(/^Error DATABASE_AHEAD: .*29990202000000_from_the_future/m);
  });
});
