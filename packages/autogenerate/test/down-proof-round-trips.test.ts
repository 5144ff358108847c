import { loadSqlParser, openDataSource, readCatalog } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import type { DataSource, QueryRunner } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { proveBothWays } from '../src/generate/prove-down';
import { seedRepresentativeRows } from '../src/generate/representative-rows';
import { readShadowCatalog } from '../src/shadow/raw-connection';

/**
 * The down proof sends its work in few round trips: the catalog in one query string, the down and
 * the up again each in one, the representative rows in one when every table takes its row (when
 * one refuses, the table-by-table pass runs instead). Each must give exactly what the statement
 * by statement way gives.
 */
describe('the down proof in few round trips', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let runner: QueryRunner;

  beforeEach(async () => {
    db = await createTestDatabase('representative_rows');
    dataSource = await openDataSource(db.url, { poolSize: 1 });
    runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
  });
  afterEach(async () => {
    await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
    await dataSource.destroy();
    await db.drop();
  });

  const createParentAndChild = `CREATE TABLE parent (id serial PRIMARY KEY, name varchar(20) NOT NULL);
    CREATE TABLE child (id serial PRIMARY KEY, parent_id integer NOT NULL REFERENCES parent (id), due date NOT NULL)`;

  it('seeds every table in one go, parents first, each row where its ctid says', async () => {
    const before = await readCatalog(runner);
    await runner.query(createParentAndChild);
    const after = await readCatalog(runner);
    const seeded = await seedRepresentativeRows(runner, ['child'], after, before);
    expect(seeded.skipped).toEqual([]);
    expect(seeded.rows.map((r) => r.table)).toEqual(['parent', 'child']);
    for (const row of seeded.rows) {
      const found = await runner.query(`SELECT count(*)::int AS n FROM "${row.table}" WHERE ctid = $1::tid`, [
        row.ctid,
      ]);
      expect(found).toEqual([{ n: 1 }]);
    }
    expect(await runner.query('SELECT c.parent_id = p.id AS linked FROM child c, parent p')).toEqual([
      { linked: true },
    ]);
  });

  it('when one table refuses its row, the others still get theirs and the refusal is reported', async () => {
    const before = await readCatalog(runner);
    // No literal is known for a NOT NULL point column without a default: that insert fails.
    await runner.query(
      `${createParentAndChild}; CREATE TABLE place (id serial PRIMARY KEY, at point NOT NULL)`,
    );
    const after = await readCatalog(runner);
    const seeded = await seedRepresentativeRows(runner, ['place', 'child'], after, before);
    expect(seeded.rows.map((r) => r.table)).toEqual(['parent', 'child']);
    expect(seeded.skipped).toEqual([expect.stringMatching(/^place \(.*"at".*\)$/)]);
    expect(await runner.query('SELECT count(*)::int AS n FROM place')).toEqual([{ n: 0 }]);
    expect(await runner.query('SELECT count(*)::int AS n FROM parent')).toEqual([{ n: 1 }]);
  });

  it('reads the same catalog in one round trip as query by query, uncommitted changes included', async () => {
    await runner.query(`${createParentAndChild};
      CREATE SCHEMA billing;
      CREATE TYPE billing.state AS ENUM ('open', 'paid');
      CREATE TABLE billing.invoice (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, state billing.state NOT NULL DEFAULT 'open', total numeric(12, 2));
      CREATE UNIQUE INDEX invoice_total ON billing.invoice (total) WHERE total > 0;
      CREATE SEQUENCE billing.numbers;
      CREATE VIEW billing.open_invoices AS SELECT id FROM billing.invoice WHERE state = 'open';
      CREATE FUNCTION billing.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER touch BEFORE UPDATE ON billing.invoice FOR EACH ROW EXECUTE FUNCTION billing.touch();
      COMMENT ON TABLE parent IS 'parents';
      CREATE TABLE typeorm_metadata (type varchar NOT NULL, database varchar, schema varchar, "table" varchar, name varchar, value text);
      INSERT INTO typeorm_metadata (type, schema, name, value) VALUES ('VIEW', 'billing', 'open_invoices', 'SELECT 1')`);
    const inOneTrip = await readShadowCatalog(runner);
    expect(inOneTrip).toEqual(await readCatalog(runner));
    expect(inOneTrip.enums).toEqual([{ name: 'billing.state', labels: ['open', 'paid'] }]);
    expect(Object.keys(inOneTrip.typeormMetadata)).toEqual(['VIEW.billing..open_invoices']);
    expect(Object.keys(inOneTrip.objects.trigger).length).toBe(1);
  });

  it('a down that fails part-way is reported with the statement PostgreSQL stopped at, and changes nothing', async () => {
    await loadSqlParser();
    const before = await readCatalog(runner);
    const up = [{ sql: 'CREATE TABLE kept (id integer)' }, { sql: 'CREATE TABLE other (id integer)' }];
    for (const s of up) await runner.query(s.sql);
    const down = [{ sql: 'DROP TABLE other' }, { sql: 'DROP TABLE missing' }, { sql: 'DROP TABLE kept' }];
    const proof = await proveBothWays(runner, before, { up, down }, true);
    expect(proof.unproven).toBe('it failed: table "missing" does not exist');
    expect(proof.down[0]!.handFill).toContain('table "missing" does not exist');
    expect(await runner.query(`SELECT to_regclass('other') IS NOT NULL AS present`)).toEqual([
      { present: true },
    ]);
  });
});
