import { readdirSync, readFileSync } from 'node:fs';
import { buildMetadata, type EntityClass } from '@app/metadata-builder';
import { type CatalogSnapshot, type Migrator, snapshotCatalog } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateRevision } from '../src';
import { schemaChangesSince, sql } from './helpers/catalog';
import { withMigrator as migratorOn } from './helpers/migrator';
import { refusal } from './helpers/refusal';
import { tempDir } from './helpers/revision-folders';

@Entity('entry')
class EntryV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer', default: 0, comment: 'in cents' }) total: number;
  @Column({ type: 'integer', nullable: true }) spare: number | null;
}
@Entity('entry')
class EntryWide {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'bigint', default: 0, comment: 'in cents' }) total: string;
  @Column({ type: 'integer', nullable: true }) spare: number | null;
}
@Entity('entry')
@Index('IDX_entry_total', ['total'])
class EntryIndexed {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer', default: 0, comment: 'in cents' }) total: number;
  @Column({ type: 'integer', nullable: true }) spare: number | null;
}
@Entity('entry')
@Index('IDX_entry_total', ['total'])
class EntryIndexedWide {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'bigint', default: 0, comment: 'in cents' }) total: string;
  @Column({ type: 'integer', nullable: true }) spare: number | null;
}

/** Inserts and updates rows on its own connection until stopped, counting what failed. */
function keepWriting(url: string): { stop: () => Promise<{ writes: number; failed: string[] }> } {
  const client = new pg.Client({ connectionString: url });
  let running = true;
  let writes = 0;
  const failed: string[] = [];
  const loop = (async () => {
    await client.connect();
    while (running) {
      try {
        await client.query('INSERT INTO entry (total, spare) VALUES ((random() * 1000)::int, 1)');
        await client.query(
          'UPDATE entry SET total = total + 1 WHERE id = (SELECT (random() * (max(id) - 1))::int + 1 FROM entry)',
        );
        writes += 2;
      } catch (error) {
        failed.push((error as Error).message);
      }
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { writes, failed };
    },
  };
}

describe('revision --expand: a table-rewriting type change as expand and contract revisions', () => {
  let db: TestDatabase;
  let dir: string;
  let before: CatalogSnapshot;
  const sources = () => [{ lineage: 'app' as const, dir }];
  const generate = (entities: EntityClass[], expand?: boolean) =>
    generateRevision({
      serverUrl: db.url,
      sources: sources(),
      metadata: buildMetadata({ entities, framework: { enabled: false } }),
      lineage: 'app',
      message: 'widen total',
      expand,
    });
  const withMigrator = <T>(work: (m: Migrator) => Promise<T>) => migratorOn(db.url, sources(), work);
  const column = (name: string) =>
    sql(
      db.url,
      `SELECT format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS required, pg_get_expr(d.adbin, d.adrelid) AS "default",
              col_description(a.attrelid, a.attnum) AS comment
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = 'entry'::regclass AND a.attname = '${name}' AND NOT a.attisdropped`,
    );
  const totals = () => sql(db.url, 'SELECT count(*)::int AS n, sum(total)::text AS sum FROM entry');

  const setUp = async (entity: EntityClass) => {
    db = await createTestDatabase('expand');
    dir = tempDir('dazzle-expand-');
    await generateRevision({
      serverUrl: db.url,
      sources: sources(),
      metadata: buildMetadata({ entities: [entity], framework: { enabled: false } }),
      lineage: 'app',
      message: 'create entry',
    });
    await withMigrator((m) => m.upgrade());
    await sql(db.url, 'INSERT INTO entry (total) SELECT g FROM generate_series(1, 20000) g');
    before = await snapshotCatalog(db.url);
  };
  afterEach(() => db.drop());

  describe('on a plain column', () => {
    beforeEach(() => setUp(EntryV1));

    it('backfills while another connection writes, switches in the contract, and both downs bring back the rows and the schema', async () => {
      const { revision: expand, contract, transactional, steps, notes } = await generate([EntryWide], true);
      expect(transactional).toBe(false);
      expect(steps?.up.map((s) => s.transaction)).toEqual([true, false, true, true]);
      expect(notes[0]).toMatch(
        /^Expand, 1 of 2, for entry\.total \(integer → bigint\): .*Destroys nothing\.$/,
      );
      expect(contract?.revision?.parents).toEqual([expand!.id]);
      expect(contract?.notes.join('\n')).toContain('Destroys: the integer column total');
      const expandFile = readFileSync(expand!.file, 'utf8');
      expect(expandFile).toContain('CREATE TRIGGER "entry_total_dz_sync" BEFORE INSERT OR UPDATE ON "entry"');
      expect(expandFile).toContain('COMMIT;');
      expect(readFileSync(contract!.revision!.file, 'utf8')).toContain(
        'ALTER TABLE "entry" RENAME COLUMN "total_dz_new" TO "total"',
      );

      const writer = keepWriting(db.url);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const applied = await withMigrator((m) => m.upgrade({ target: expand!.id }));
      const written = await writer.stop();
      expect(applied.revisions.map((r) => r.id)).toEqual([expand!.id]);
      expect(written.failed).toEqual([]);
      expect(written.writes).toBeGreaterThan(0);
      expect(
        await sql(
          db.url,
          'SELECT count(*)::int AS behind FROM entry WHERE total_dz_new IS DISTINCT FROM total::bigint',
        ),
      ).toEqual([{ behind: 0 }]);
      expect(await sql(db.url, 'SELECT count(*)::int AS n FROM _dazzle_revision_progress')).toEqual([
        { n: 0 },
      ]);
      const rows = await totals();

      await withMigrator((m) => m.upgrade());
      expect(await column('total')).toEqual([
        { type: 'bigint', required: true, default: '0', comment: 'in cents' },
      ]);
      expect(await column('total_dz_new')).toEqual([]);
      expect(
        await sql(db.url, `SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'entry_total_dz_sync'`),
      ).toEqual([{ n: 0 }]);
      expect(await totals()).toEqual(rows);
      // What the pair left is what the entity declares.
      expect((await generate([EntryWide])).revision).toBeUndefined();

      await withMigrator((m) => m.downgrade('-1'));
      expect(await column('total')).toEqual([
        { type: 'integer', required: true, default: '0', comment: 'in cents' },
      ]);
      expect(
        await sql(
          db.url,
          'SELECT count(*)::int AS behind FROM entry WHERE total_dz_new IS DISTINCT FROM total::bigint',
        ),
      ).toEqual([{ behind: 0 }]);
      // The expand's down drops the copy, which the downgrade guard counts as values: it asks first.
      expect((await refusal(withMigrator((m) => m.downgrade('-1')))).code).toBe('DOWNGRADE_DESTROYS_DATA');
      await withMigrator((m) => m.downgrade('-1', { allowDestructive: true }));
      expect(await schemaChangesSince(before, db.url)).toEqual([]);
      expect(await totals()).toEqual(rows);
    }, 180_000);
  });

  describe('on a column with an index', () => {
    beforeEach(() => setUp(EntryIndexed));

    it('refuses with EXPAND_NOT_POSSIBLE naming the index, and writes nothing', async () => {
      const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
      const error = await refusal(generate([EntryIndexedWide], true));
      expect(readdirSync(dir).filter((f) => f.endsWith('.ts'))).toEqual(files);
      expect(error.code).toBe('EXPAND_NOT_POSSIBLE');
      expect(error.message).toBe(
        'entry.total has a dependant, index "IDX_entry_total", which --expand does not rebuild on the new column yet: drop it in a revision of its own first and add it back after the contract revision, or run without --expand (the type change then rewrites entry under ACCESS EXCLUSIVE).',
      );
    }, 60_000);
  });
});
