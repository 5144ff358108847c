import { readFileSync } from 'node:fs';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { INDEXED_ITEM, ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { revisionFile, revisionFiles } from './harness/revisions';
import { watchDazzle } from './harness/watched-run';

/** item with an index on name and `code` required: what a second release of the app declares. */
describe('revision on a table that holds rows writes online DDL, and db upgrade applies it', () => {
  let app = '';
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv = {};
  const run = (...args: string[]) => dazzle(app, args, env);

  beforeAll(async () => {
    app = newApp('online-rewrites');
    db = await createTestDatabase('acc_online_rewrites');
    env = { DATABASE_URL: db.url };
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    expect((await run('db', 'revision', '-m', 'create item')).code).toBe(0);
    const upgrade = await run('db', 'upgrade');
    expect(upgrade.code, upgrade.stderr).toBe(0);
    await queryDatabase(
      db.url,
      `INSERT INTO item (name, code) SELECT 'item ' || g, 'C' || g FROM generate_series(1, 5000) g`,
    );
  });
  afterAll(() => db?.drop());

  it('builds the index CONCURRENTLY and sets NOT NULL through a validated CHECK, in steps; downgrade undoes it', async () => {
    writeFiles(app, { 'src/item.ts': INDEXED_ITEM });
    const revision = await run('db', 'revision', '-m', 'index item by name');
    expect(revision.code, revision.stderr).toBe(0);
    expect(revision.stdout).toContain('Online: item_name_idx on item is built CONCURRENTLY.');
    expect(revision.stdout).toContain('Online: item.code is set NOT NULL through a validated CHECK.');
    const text = readFileSync(revisionFile(app, 'index_item_by_name'), 'utf8');
    expect(text).toContain('transactional: false,');
    expect(text).toContain('DROP INDEX CONCURRENTLY IF EXISTS "public"."item_name_idx"');
    expect(text).toContain('CREATE INDEX CONCURRENTLY "item_name_idx" ON "item"');
    expect(text).toContain('CHECK ("code" IS NOT NULL) NOT VALID');
    // The steps written are the steps proven on the shadow, down and up again, with a row in item.
    expect(text).toMatch(/Steps proven on the shadow as they are written, down then up.*with rows in item/);
    expect(text).not.toContain('dazzle:hand-fill');

    const script = await run('db', 'upgrade', '--sql');
    expect(script.code, script.stderr).toBe(0);
    expect(script.stdout).toMatch(
      /-- Step \d of \d, outside a transaction\nDROP INDEX CONCURRENTLY IF EXISTS/,
    );

    const upgrade = await run('db', 'upgrade');
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(
      await queryDatabase(
        db.url,
        `SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass('item_name_idx')`,
      ),
    ).toEqual([{ valid: true }]);
    expect(
      await queryDatabase(
        db.url,
        `SELECT a.attnotnull AS required, (SELECT count(*)::int FROM pg_constraint c WHERE c.conrelid = 'item'::regclass AND c.contype = 'c') AS checks
         FROM pg_attribute a WHERE a.attrelid = 'item'::regclass AND a.attname = 'code'`,
      ),
    ).toEqual([{ required: true, checks: 0 }]);
    expect(await queryDatabase(db.url, 'SELECT count(*)::int AS n FROM item')).toEqual([{ n: 5000 }]);
    expect(await queryDatabase(db.url, 'SELECT count(*)::int AS n FROM _dazzle_revision_progress')).toEqual([
      { n: 0 },
    ]);
    const check = await run('db', 'check');
    expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);

    const downgrade = await run('db', 'downgrade', '-1');
    expect(downgrade.code, downgrade.stderr).toBe(0);
    expect(await queryDatabase(db.url, `SELECT to_regclass('item_name_idx') AS idx`)).toEqual([
      { idx: null },
    ]);
  });
});

describe('a generated online revision whose runner is SIGKILLed in its CONCURRENTLY step', () => {
  let app = '';
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv = {};
  const run = (...args: string[]) => dazzle(app, args, env);
  const buildRunning = async () =>
    (
      await queryDatabase(
        db.url,
        `SELECT wait_event_type AS wait FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY "item_name_idx"%'`,
      )
    ).map((r) => r.wait);

  beforeAll(async () => {
    app = newApp('online-resume');
    db = await createTestDatabase('acc_online_resume');
    env = { DATABASE_URL: db.url };
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    expect((await run('db', 'revision', '-m', 'create item')).code).toBe(0);
    expect((await run('db', 'upgrade')).code).toBe(0);
    await queryDatabase(
      db.url,
      `INSERT INTO item (name, code) SELECT 'item ' || g, 'C' || g FROM generate_series(1, 5000) g;
       CREATE TABLE bystander (id int)`,
    );
  });
  afterAll(() => db?.drop());

  it('keeps the finished steps, and the next db upgrade resumes at the killed step, dropping the INVALID index it left', async () => {
    writeFiles(app, { 'src/item.ts': INDEXED_ITEM });
    expect((await run('db', 'revision', '-m', 'index item by name')).code).toBe(0);

    // A transaction holding an older snapshot (on another table, so the steps before the index take
    // their locks on item freely): the concurrent build creates its index, then waits for it to end.
    const bystander = new pg.Client({ connectionString: db.url });
    await bystander.connect();
    await bystander.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await bystander.query('SELECT count(*) FROM bystander');
    try {
      const upgrade = watchDazzle(app, ['db', 'upgrade'], env);
      let waiting = false;
      for (let i = 0; i < 600 && !waiting; i++) {
        waiting = (await buildRunning()).includes('Lock');
        if (!waiting) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(waiting, 'the concurrent build never waited for the older snapshot').toBe(true);
      upgrade.child.kill('SIGKILL');
      expect((await upgrade.ended).signal).toBe('SIGKILL');
      for (let i = 0; i < 300 && (await buildRunning()).length > 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await buildRunning(), "the killed runner's session outlived it").toEqual([]);
    } finally {
      await bystander.query('ROLLBACK');
      await bystander.end();
    }
    const [stopped] = await queryDatabase<{ state: string; statement: string; done: number }>(
      db.url,
      'SELECT state, statement, statements_done AS done FROM _dazzle_revision_progress',
    );
    expect(stopped).toMatchObject({
      state: 'step-running',
      statement: expect.stringMatching(/^DROP INDEX CONCURRENTLY IF EXISTS/),
    });
    expect(
      await queryDatabase(
        db.url,
        `SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass('item_name_idx')`,
      ),
    ).toEqual([{ valid: false }]);

    const rerun = await run('db', 'upgrade');
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(
      /resuming at step \d+ of \d+ \(outside a transaction\): an earlier run finished the steps before it/,
    );
    expect(
      await queryDatabase(
        db.url,
        `SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass('item_name_idx')`,
      ),
    ).toEqual([{ valid: true }]);
    expect(
      await queryDatabase(
        db.url,
        `SELECT attnotnull AS required FROM pg_attribute WHERE attrelid = 'item'::regclass AND attname = 'code'`,
      ),
    ).toEqual([{ required: true }]);
    expect(await queryDatabase(db.url, 'SELECT count(*)::int AS n FROM _dazzle_revision_progress')).toEqual([
      { n: 0 },
    ]);
    expect(
      await queryDatabase(
        db.url,
        `SELECT count(*)::int AS n FROM "_dazzle_migrations" WHERE id LIKE '%index_item_by_name'`,
      ),
    ).toEqual([{ n: 1 }]);
  });
});

/** An app with a big table (item) and an audit table it opts out of online rewrites. */
const OPT_OUT_CONFIG = (except: string) => `import { defineConfig } from '@app/cli';
import { AuditEvent } from './src/audit-event';
import { Item } from './src/item';

export default defineConfig({ entities: [Item, AuditEvent], migrations: { online: { except: ['${except}'] } } });
`;
const auditEntity = (
  indexed: boolean,
) => `import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('audit_event')
${indexed ? "@Index('audit_event_kind_idx', ['kind'])\n" : ''}export class AuditEvent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  kind: string;
}
`;

describe('migrations.online.except keeps an entity out of the online rewrites', () => {
  let app = '';
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv = {};
  const run = (...args: string[]) => dazzle(app, args, env);

  beforeAll(async () => {
    app = newApp('online-opt-out');
    db = await createTestDatabase('acc_online_opt_out');
    env = { DATABASE_URL: db.url };
    writeFiles(app, {
      'dazzle.config.ts': OPT_OUT_CONFIG('AuditEvent'),
      'src/item.ts': itemEntity(),
      'src/audit-event.ts': auditEntity(false),
    });
    expect((await run('db', 'revision', '-m', 'create item and audit')).code).toBe(0);
    expect((await run('db', 'upgrade')).code).toBe(0);
    await queryDatabase(
      db.url,
      `INSERT INTO item (name, code) SELECT 'item ' || g, 'C' || g FROM generate_series(1, 2000) g;
       INSERT INTO audit_event (kind) SELECT 'k' || (g % 7) FROM generate_series(1, 2000) g`,
    );
  });
  afterAll(() => db?.drop());

  it('refuses a name that is neither an entity nor a table, in one line, writing nothing', async () => {
    writeFiles(app, { 'dazzle.config.ts': OPT_OUT_CONFIG('AuditEvnt') });
    const before = revisionFiles(app);
    const result = await run('db', 'revision', '-m', 'index both').finally(() =>
      writeFiles(app, { 'dazzle.config.ts': OPT_OUT_CONFIG('AuditEvent') }),
    );
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('Error'));
    expect(errors, result.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^Error CONFIG_INVALID: .*dazzle\.config\.ts: `migrations\.online\.except` names "AuditEvnt", which is neither an entity class nor a table of this app \(did you mean "AuditEvent"\?\); entities: AuditEvent \(audit_event\), Item \(item\)\. Fix it/,
    );
    expect(revisionFiles(app)).toEqual(before);
  });

  it('writes the opted-out table as TypeORM does, still builds the other index CONCURRENTLY, and upgrade applies both', async () => {
    writeFiles(app, { 'src/item.ts': INDEXED_ITEM, 'src/audit-event.ts': auditEntity(true) });
    const revision = await run('db', 'revision', '-m', 'index both');
    expect(revision.code, revision.stderr).toBe(0);
    expect(revision.stdout).toContain('Online: item_name_idx on item is built CONCURRENTLY.');
    expect(revision.stdout).toContain(
      'Online: audit_event is opted out (migrations.online.except): its statements run as TypeORM writes them, inside a transaction.',
    );
    const text = readFileSync(revisionFile(app, 'index_both'), 'utf8');
    expect(text).toContain('CREATE INDEX CONCURRENTLY "item_name_idx" ON "item"');
    expect(text).toContain('CREATE INDEX "audit_event_kind_idx" ON "audit_event"');
    expect(text).not.toContain('CONCURRENTLY "audit_event_kind_idx"');

    const upgrade = await run('db', 'upgrade');
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(
      await queryDatabase(
        db.url,
        `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relname IN ('item_name_idx', 'audit_event_kind_idx') ORDER BY 1`,
      ),
    ).toEqual([
      { name: 'audit_event_kind_idx', valid: true },
      { name: 'item_name_idx', valid: true },
    ]);
    expect(await queryDatabase(db.url, 'SELECT count(*)::int AS n FROM audit_event')).toEqual([{ n: 2000 }]);
    const check = await run('db', 'check');
    expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
  });
});
