import { appendFileSync, readFileSync } from 'node:fs';
import { buildMetadata } from '@app/metadata-builder';
import { adminUrl, createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision, keptShadowName, rehashFolder } from '../src';
import { sql } from './helpers/catalog';
import { tempDir } from './helpers/revision-folders';

@Entity('shelf')
class ShelfV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column() label: string;
}

@Entity('shelf')
class ShelfV2 {
  @PrimaryGeneratedColumn() id: number;
  @Column() label: string;
  @Column({ nullable: true }) width: number;
}

@Entity('shelf')
@Index('shelf_label_concurrently', ['label'], { concurrent: true })
class ShelfV3 {
  @PrimaryGeneratedColumn() id: number;
  @Column() label: string;
  @Column({ nullable: true }) width: number;
}

type Shelf = typeof ShelfV1 | typeof ShelfV2 | typeof ShelfV3;

interface KeptShadow {
  name: string;
  oid: number;
  note: string | null;
}

describe('the kept shadow', () => {
  let db: TestDatabase;
  let dir: string;
  const sources = () => [{ lineage: 'app' as const, dir }];
  const metadata = (entity: Shelf) => buildMetadata({ entities: [entity], framework: { enabled: false } });
  const generate = (entity: Shelf, message: string) =>
    generateRevision({
      serverUrl: db.url,
      sources: sources(),
      metadata: metadata(entity),
      lineage: 'app',
      message,
    });
  const check = (entity: Shelf) =>
    findSchemaDrift({ serverUrl: db.url, sources: sources(), metadata: metadata(entity) });
  const urlOf = (name: string) => db.url.replace(/\/[^/]+$/, `/${name}`);
  /** This project's kept shadows (they share the name up to the last underscore). */
  const keptShadows = async (): Promise<KeptShadow[]> => {
    const name = keptShadowName(sources());
    return sql<KeptShadow>(
      db.url,
      `SELECT datname AS name, oid::int AS oid, shobj_description(oid, 'pg_database') AS note
       FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname`,
      [name.slice(0, name.lastIndexOf('_') + 1)],
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase('kept_shadow');
    dir = tempDir('dazzle-kept-shadow-');
  });
  afterAll(() => db.drop());

  it('keeps what a revision run proved, and rolls back every run that writes nothing', async () => {
    const first = await generate(ShelfV1, 'shelves');
    expect(first.revision).toBeDefined();
    // The run that wrote the revision kept what it proved: the kept shadow is already at the new heads.
    const [atFirst] = await keptShadows();
    expect(atFirst!.name).toBe(keptShadowName(sources()));
    expect(atFirst!.note).toMatch(/^dazzle kept shadow, complete at /);
    expect(await sql(urlOf(atFirst!.name), 'SELECT id, checksum FROM _dazzle_migrations')).toEqual([
      { id: first.revision!.id, checksum: first.revision!.checksum },
    ]);
    expect(await check(ShelfV1)).toEqual([]);
    expect(await keptShadows()).toEqual([atFirst]);

    // Runs that write nothing roll back: no width column stays behind, nothing is renamed or rebuilt.
    expect((await check(ShelfV2)).map((c) => c.sql)).toEqual(['ALTER TABLE "shelf" ADD "width" integer']);
    await expect(generate(ShelfV2, '../../nowhere')).rejects.toMatchObject({ code: 'MESSAGE_INVALID' });
    expect(await keptShadows()).toEqual([atFirst]);
    const columns = () =>
      sql<{ c: string }>(
        urlOf(keptShadowName(sources())),
        `SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'shelf' ORDER BY 1`,
      );
    expect((await columns()).map((r) => r.c)).toEqual(['id', 'label']);

    // Writing the next revision moves the same database forward (same oid, new name), replaying nothing.
    const second = await generate(ShelfV2, 'shelf width');
    expect(second.up.map((s) => s.sql)).toEqual(['ALTER TABLE "shelf" ADD "width" integer']);
    const [kept] = await keptShadows();
    expect(kept!.name).toBe(keptShadowName(sources()));
    expect(kept!.oid).toBe(atFirst!.oid);
    expect((await columns()).map((r) => r.c)).toEqual(['id', 'label', 'width']);
    expect(await check(ShelfV2)).toEqual([]);
    expect(await keptShadows()).toEqual([kept]);
  });

  it('is advanced by just the new revision when one arrives another way', async () => {
    const [before] = await keptShadows();
    // A revision written by hand (or pulled from git) was never applied to the kept shadow.
    const handWritten = await generateRevision({
      serverUrl: db.url,
      sources: sources(),
      metadata: metadata(ShelfV2),
      lineage: 'app',
      message: 'by hand',
      empty: true,
    });
    expect(await check(ShelfV2)).toEqual([]);
    const [advanced] = await keptShadows();
    expect(advanced!.name).toBe(keptShadowName(sources()));
    expect(advanced!.name).not.toBe(before!.name);
    expect(advanced!.oid).toBe(before!.oid);
    const ledger = await sql<{ id: string }>(
      urlOf(advanced!.name),
      'SELECT id FROM _dazzle_migrations ORDER BY id',
    );
    expect(ledger.map((r) => r.id)).toContain(handWritten.revision!.id);
    expect(ledger).toHaveLength(3);
  });

  it('needs no connection to the configured database while the kept shadow is at the heads', async () => {
    expect(await check(ShelfV2)).toEqual([]);
    await sql(adminUrl(), `ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`);
    try {
      // The usual run checks the kept shadow on its own connection: the configured database is not touched.
      expect(await check(ShelfV2)).toEqual([]);
      // Without a kept shadow, building one starts from the configured server, which now refuses.
      await sql(adminUrl(), `DROP DATABASE "${keptShadowName(sources())}"`);
      await expect(check(ShelfV2)).rejects.toMatchObject({ code: 'DATABASE_UNREACHABLE' });
    } finally {
      await sql(adminUrl(), `ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`);
    }
    expect(await check(ShelfV2)).toEqual([]);
  });

  it('is replayed from empty when a revision it ran was edited', async () => {
    const edited = (await generate(ShelfV3, 'label index')).revision;
    // CONCURRENTLY cannot run in the kept shadow's transaction: planned on a throwaway shadow instead.
    expect(readFileSync(edited!.file, 'utf8')).toContain('transactional: false');
    expect(await check(ShelfV3)).toEqual([]);
    const [before] = await keptShadows();
    // An edit to a committed revision (re-hashed, as `dazzle db rehash` would) invalidates what ran.
    appendFileSync(edited!.file, '\n// reviewed\n');
    await rehashFolder(dir, 'app');
    expect(await check(ShelfV3)).toEqual([]);
    const after = await keptShadows();
    expect(after).toHaveLength(1);
    expect(after[0]!.oid).not.toBe(before!.oid);
  });

  it('rebuilds a half-built kept shadow instead of trusting it', async () => {
    const name = keptShadowName(sources());
    await sql(db.url, `DROP DATABASE "${name}"`);
    await sql(db.url, `CREATE DATABASE "${name}"`);
    await sql(urlOf(name), 'CREATE TABLE leftover (id int)');
    expect(await check(ShelfV3)).toEqual([]);
    const tables = await sql<{ t: string }>(
      urlOf(name),
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.map((r) => r.t)).not.toContain('leftover');
    expect(tables.map((r) => r.t)).toContain('shelf');
  });

  it('serves two runs at once with the same answer', async () => {
    const runs = await Promise.all([check(ShelfV1), check(ShelfV1)]);
    expect(runs[0]!.map((c) => c.sql)).toEqual([
      'DROP INDEX "public"."shelf_label_concurrently"',
      'ALTER TABLE "shelf" DROP COLUMN "width"',
    ]);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('is left alone when a run asks for a fresh shadow', async () => {
    const before = await keptShadows();
    const fresh = await findSchemaDrift({
      serverUrl: db.url,
      sources: sources(),
      metadata: metadata(ShelfV2),
      freshShadow: true,
    });
    expect(fresh.map((c) => c.sql)).toEqual(['DROP INDEX "public"."shelf_label_concurrently"']);
    expect(await keptShadows()).toEqual(before);

    // Without any kept shadow, neither command builds one when asked for a fresh shadow.
    for (const kept of before) await sql(db.url, `DROP DATABASE "${kept.name}"`);
    const generated = await generateRevision({
      serverUrl: db.url,
      sources: sources(),
      metadata: metadata(ShelfV3),
      lineage: 'app',
      message: 'nothing to do',
      freshShadow: true,
    });
    expect(generated.revision).toBeUndefined();
    expect(await keptShadows()).toEqual([]);
    expect(await check(ShelfV3)).toEqual([]);
    expect(await keptShadows()).toHaveLength(1);
    await sql(db.url, `DROP DATABASE "${keptShadowName(sources())}"`);
    await findSchemaDrift({
      serverUrl: db.url,
      sources: sources(),
      metadata: metadata(ShelfV3),
      freshShadow: true,
    });
    expect(await keptShadows()).toEqual([]);
  });
});
