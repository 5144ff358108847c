/**
 * The schema promises on the embedded default (no DATABASE_URL: PostgreSQL under the app's
 * `.dazzle/`), in one app and one server start: serve with `emptyDatabase: 'create-all'` builds a
 * citext column and a view from the entities and serves them; `check --live` finds hand-made drift;
 * `stamp` refuses a hand-built database unless forced; a hand-written view revision makes upgrade
 * and serve replay instead, saying why in one line; a generated down never cuts a value silently;
 * downgrade says what it destroys. The same promises on a URL: views-and-extensions,
 * create-all-fallback, schema-integrity, both-ways and downgrade-destroys (*.test.ts).
 *
 * Where a URL suite takes a fresh database, this one drops the app's `dazzle` database on its
 * embedded server (the next command creates it again, empty): a person gets the same by deleting
 * `.dazzle/`, at the cost of a new cluster.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, errorLines, newApp, startServe, writeFiles } from './harness/app';
import { runningPostmaster, waitFor } from './harness/embedded';
import { type EmbeddedSession, holdEmbeddedServer } from './harness/embedded-session';
import { expectRefusal, expectSuccess } from './harness/failures';
import { itemEntity } from './harness/fixtures';
import { fillEmptyRevision, revisionFile } from './harness/revisions';

const CONFIG = `import { defineConfig } from '@app/cli';
import { Contact, ContactDomain } from './src/contact';
import { Item } from './src/item';

export default defineConfig({ entities: [Item, Contact, ContactDomain], emptyDatabase: 'create-all' });
`;

const CONTACT = `import { Column, Entity, PrimaryGeneratedColumn, ViewColumn, ViewEntity } from 'typeorm';

@Entity('contact')
export class Contact {
  @PrimaryGeneratedColumn()
  id: number;

  @Column('citext')
  email: string;
}

@ViewEntity({
  name: 'contact_domain',
  expression: \`SELECT split_part("email"::text, '@', 2) AS "domain", COUNT(*)::int AS "contacts" FROM "contact" GROUP BY 1\`,
})
export class ContactDomain {
  @ViewColumn()
  domain: string;

  @ViewColumn()
  contacts: number;
}
`;

const DECLINED =
  /create-all not used: revision \d{14}_named_items runs View, which the entities do not describe; replaying every revision instead\./;

// Several commands per step, each starting node and loading the app: room for a busy machine.
describe('schema promises on the embedded default', { timeout: 300_000 }, () => {
  let app = '';
  let db: EmbeddedSession;
  const run = (...args: string[]) => dazzle(app, args);
  const ok = async (...args: string[]) => expectSuccess(await run(...args), args);
  /** An empty `dazzle` database, as a fresh app has: the next command creates it again. */
  const freshDatabase = () => db.queryServer('DROP DATABASE dazzle WITH (FORCE)');
  const methods = async () =>
    (await db.query<{ method: string }>(`SELECT DISTINCT method FROM "_dazzle_migrations"`)).map(
      (r) => r.method,
    );
  const hasRelation = async (name: string) =>
    (await db.query('SELECT 1 FROM pg_class WHERE relname = $1', [name])).length === 1;
  const codeType = async () =>
    (
      await db.query<{ type: string }>(
        `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'item'::regclass AND attname = 'code'`,
      )
    )[0]?.type;

  beforeAll(async () => {
    app = newApp('embedded-schema');
    db = holdEmbeddedServer(app);
    writeFiles(app, { 'dazzle.config.ts': CONFIG, 'src/item.ts': itemEntity(), 'src/contact.ts': CONTACT });
    const written = await ok('db', 'revision', '-m', 'contacts');
    expect(written.stderr).toMatch(/Started the embedded PostgreSQL on 127\.0\.0\.1:\d+/);
    const text = readFileSync(revisionFile(app, 'contacts'), 'utf8');
    expect(text).toContain('CREATE EXTENSION IF NOT EXISTS "citext"');
    expect(text).toContain('CREATE VIEW "contact_domain"');
  });
  afterAll(() => db?.stop());

  it("serve with emptyDatabase: 'create-all' creates the extension, the table and the view, and serves them; check --live passes", async () => {
    const serving = await startServe(app, []);
    try {
      const post = (email: string) =>
        fetch(`${serving.url}/api/contact`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email }),
        });
      expect((await post('Ann@Example.com')).status).toBe(201);
      expect((await post('bob@example.com')).status).toBe(201);
      const write = await fetch(`${serving.url}/api/contact_domain`, { method: 'POST', body: '{}' });
      expect(write.status).toBe(404);
      const domains = await fetch(`${serving.url}/api/contact_domain`);
      const { items } = (await domains.json()) as { items: Array<{ domain: string; contacts: number }> };
      expect(items.map((i) => `${i.domain}:${i.contacts}`).sort()).toEqual([
        'Example.com:1',
        'example.com:1',
      ]);
    } finally {
      serving.child.kill('SIGTERM');
    }
    const ended = await serving.ended;
    expect(ended.code, ended.stderr).toBe(0);
    expect(runningPostmaster(app), 'the suite still holds the server').toBeDefined();
    expect(await methods()).toEqual(['create-all']);
    expect(await db.query(`SELECT extname FROM pg_extension WHERE extname = 'citext'`)).toHaveLength(1);
    expect(await db.query(`SELECT count(*)::int AS n FROM contact WHERE email = 'ANN@EXAMPLE.COM'`)).toEqual([
      { n: 1 },
    ]);
    const live = await ok('db', 'check', '--live');
    expect(live.stdout).toMatch(/OK: the live schema matches what its \d+ applied revisions produce/);
  });

  it('check --live lists hand-made drift in both directions (exit 1) and changes nothing', async () => {
    await db.query(
      'ALTER TABLE item ADD COLUMN note text; CREATE TABLE audit_by_hand (id int); ALTER TABLE item DROP COLUMN code',
    );
    const drift = await run('db', 'check', '--live');
    expect(drift.code, drift.stderr).toBe(1);
    expect(drift.stdout).toBe('');
    expect(drift.stderr).toContain('extra    table audit_by_hand: id integer');
    expect(drift.stderr).toMatch(/missing {2}column item\.code: character varying\(10\)/);
    expect(drift.stderr).toContain('extra    column item.note: text');
    expect(errorLines(drift.stderr).at(-1)).toMatch(/^Error SCHEMA_DRIFT: The live database differs/);
    expect(await hasRelation('audit_by_hand')).toBe(true);
  });

  it('stamp refuses a hand-built database that lacks tables, stamping nothing; --force stamps it', async () => {
    await freshDatabase();
    await db.queryServer('CREATE DATABASE dazzle');
    await db.query('CREATE TABLE item (id serial PRIMARY KEY, name varchar(50) NOT NULL)');
    const refused = await run('db', 'stamp', 'heads');
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/missing {2}table contact/);
    expect(refused.stderr).toMatch(/missing {2}column item\.code: character varying\(10\)/);
    expect(errorLines(refused.stderr).at(-1)).toMatch(
      /^Error SCHEMA_DRIFT: Nothing was stamped: .*`dazzle db stamp heads --force`/,
    );
    expect(await hasRelation('_dazzle_migrations')).toBe(false);

    const forced = await ok('db', 'stamp', 'heads', '--force');
    expect(forced.stdout).toMatch(/Stamped heads: 2 recorded as applied/);
    expect(await db.query('SELECT count(*)::int AS n FROM "_dazzle_migrations"')).toEqual([{ n: 2 }]);
  });

  it('a hand-written view revision makes upgrade and serve replay on an empty database, saying why in one line', async () => {
    await ok('db', 'revision', '--empty', '-m', 'named items');
    fillEmptyRevision(
      revisionFile(app, 'named_items'),
      ['CREATE VIEW named_items AS SELECT id, name FROM item'],
      ['DROP VIEW named_items'],
    );
    await ok('db', 'rehash');

    await freshDatabase();
    const upgraded = await ok('db', 'upgrade');
    expect(upgraded.stdout).toMatch(DECLINED);
    expect(await hasRelation('named_items')).toBe(true);

    await freshDatabase();
    const serving = await startServe(app, []);
    const listed = await fetch(`${serving.url}/api/contact_domain`);
    expect(listed.status).toBe(200);
    serving.child.kill('SIGTERM');
    const ended = await serving.ended;
    expect(ended.code, ended.stderr).toBe(0);
    const printed = `${ended.stdout}\n${ended.stderr}`;
    expect(printed.split('\n').filter((line) => DECLINED.test(line))).toHaveLength(1);
    expect(printed).toContain('(replay)');
    expect(await methods()).toEqual(['run']);
    expect(await hasRelation('named_items')).toBe(true);
    expect(await db.query(`SELECT extname FROM pg_extension WHERE extname = 'citext'`)).toHaveLength(1);
    await ok('db', 'check', '--live');
  });

  it('a generated down that would cut a value stops, naming the column and the count; the value is intact', async () => {
    writeFiles(app, {
      'src/item.ts': itemEntity(
        "@Column({ type: 'varchar', length: 20, nullable: true })\n  code: string | null;",
      ),
    });
    await ok('db', 'revision', '-m', 'widen code');
    expect(readFileSync(revisionFile(app, 'widen_code'), 'utf8')).toContain('Down proven on the shadow');
    await ok('db', 'upgrade');
    await db.query(`INSERT INTO item (name, code) VALUES ('long', 'ABCDEFGHIJKLMNOP'), ('short', 'AB')`);

    const line = expectRefusal(await run('db', 'downgrade', '-1'), 'DATA_WOULD_BE_LOST');
    expect(line).toContain(
      'item.code: 1 row(s) hold a value that character varying(10) cannot hold unchanged',
    );
    expect(await db.query(`SELECT code FROM item ORDER BY name`)).toEqual([
      { code: 'ABCDEFGHIJKLMNOP' },
      { code: 'AB' },
    ]);
    expect(await codeType()).toBe('character varying(20)');

    await db.query(`UPDATE item SET code = 'ABCDEFGHIJ' WHERE name = 'long'`);
    await ok('db', 'downgrade', '-1');
    expect(await codeType()).toBe('character varying(10)');
    expect(await db.query(`SELECT code FROM item ORDER BY name`)).toEqual([
      { code: 'ABCDEFGHIJ' },
      { code: 'AB' },
    ]);
  });

  it('downgrade to base refuses to drop a table holding rows, listing them; --allow-destructive drops it and says so', async () => {
    const refused = await run('db', 'downgrade', 'app@base', '--json');
    expect(refused.code).toBe(1);
    const error = JSON.parse(refused.stdout) as { code: string; details: { lost: unknown[] } };
    expect(error.code).toBe('DOWNGRADE_DESTROYS_DATA');
    expect(error.details.lost).toEqual([expect.objectContaining({ table: 'item', rows: 2 })]);
    expect(await hasRelation('item')).toBe(true);

    const reverted = await ok('db', 'downgrade', 'app@base', '--allow-destructive', '--json');
    const result = JSON.parse(reverted.stdout) as { destroyed: unknown[] };
    // Every table dropped is listed, the empty ones with 0 rows.
    expect(result.destroyed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ table: 'item', rows: 2 }),
        expect.objectContaining({ table: 'contact', rows: 0 }),
      ]),
    );
    expect(await hasRelation('item')).toBe(false);
    expect(await hasRelation('named_items')).toBe(false);
    expect(
      await db.query(`SELECT count(*)::int AS n FROM "_dazzle_migrations" WHERE lineage = 'app'`),
    ).toEqual([{ n: 0 }]);
  });

  it('stops the embedded server when the last command ends', async () => {
    db.release();
    const current = await ok('db', 'current');
    expect(current.stdout).toMatch(/^app\s/m);
    await waitFor(() => runningPostmaster(app) === undefined);
  });
});
