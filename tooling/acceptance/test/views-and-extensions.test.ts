/**
 * A view entity and a citext column through the installed binary: `db revision` writes the
 * extension and the view, `upgrade` replays them and `check --live` passes, and `serve` on an
 * empty database with `emptyDatabase: 'create-all'` builds the same schema from the entities
 * (extension first), stamps the revision, and serves the table and the view.
 */
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, startServe, writeFiles } from './harness/app';

const CONFIG = `import { defineConfig } from '@app/cli';
import { Contact, ContactDomain } from './src/contact';

export default defineConfig({ entities: [Contact, ContactDomain], emptyDatabase: 'create-all' });
`;

const ENTITIES = `import { Column, Entity, PrimaryGeneratedColumn, ViewColumn, ViewEntity } from 'typeorm';

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

describe('view entities and extensions from the packed install', () => {
  const dbs: TestDatabase[] = [];
  let app: string;
  const database = async (label: string) => {
    const db = await createTestDatabase(`acc_views_${label}`);
    dbs.push(db);
    return db;
  };

  beforeAll(() => {
    app = newApp('views');
    writeFiles(app, { 'dazzle.config.ts': CONFIG, 'src/contact.ts': ENTITIES });
  });
  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.drop()));
  });

  it('revision writes CREATE EXTENSION citext and the view; upgrade replays them; check --live passes', async () => {
    const db = await database('replayed');
    const env = { DATABASE_URL: db.url };
    const written = await dazzle(app, ['db', 'revision', '-m', 'contacts'], env);
    expect(written.code, written.stderr).toBe(0);
    const sql = await dazzle(app, ['db', 'upgrade', '--sql'], env);
    expect(sql.code, sql.stderr).toBe(0);
    expect(sql.stdout).toContain('CREATE EXTENSION IF NOT EXISTS "citext"');
    expect(sql.stdout).toContain('CREATE VIEW "contact_domain"');
    // The database has tables of its own, so this upgrade replays.
    await queryDatabase(db.url, 'CREATE TABLE unrelated (id int)');
    const upgraded = await dazzle(app, ['db', 'upgrade'], env);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    await queryDatabase(db.url, 'DROP TABLE unrelated');
    expect(await queryDatabase(db.url, `SELECT DISTINCT method FROM "_dazzle_migrations"`)).toEqual([
      { method: 'run' },
    ]);
    const live = await dazzle(app, ['db', 'check', '--live'], env);
    expect(live.code, live.stderr).toBe(0);
    const check = await dazzle(app, ['db', 'check'], env);
    expect(check.code, check.stderr).toBe(0);
  });

  it("serve with emptyDatabase: 'create-all' creates the extension, the table and the view, and serves them", async () => {
    const db = await database('created');
    const serving = await startServe(app, [], { DATABASE_URL: db.url });
    try {
      const post = (email: string) =>
        fetch(`${serving.url}/api/contact`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email }),
        });
      expect((await post('Ann@Example.com')).status).toBe(201);
      expect((await post('bob@example.com')).status).toBe(201);
      // A view takes no writes: only its list is routed.
      const write = await fetch(`${serving.url}/api/contact_domain`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ domain: 'x', contacts: 1 }),
      });
      expect(write.status).toBe(404);
      const domains = await fetch(`${serving.url}/api/contact_domain`);
      expect(domains.status).toBe(200);
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
    expect(await queryDatabase(db.url, `SELECT DISTINCT method FROM "_dazzle_migrations"`)).toEqual([
      { method: 'create-all' },
    ]);
    expect(
      await queryDatabase(db.url, `SELECT extname FROM pg_extension WHERE extname = 'citext'`),
    ).toHaveLength(1);
    expect(
      await queryDatabase(db.url, `SELECT count(*)::int AS n FROM contact WHERE email = 'ANN@EXAMPLE.COM'`),
    ).toEqual([{ n: 1 }]);
    const live = await dazzle(app, ['db', 'check', '--live'], { DATABASE_URL: db.url });
    expect(live.code, live.stderr).toBe(0);
  });
});
