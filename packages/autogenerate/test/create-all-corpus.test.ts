import { rmSync } from 'node:fs';
import { buildMetadata } from '@app/metadata-builder';
import { compareCatalogs, formatDifference, Migrator, snapshotCatalog } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRevision } from '../src';
import { SHAPES } from './corpus/entity-shapes';
import { tempDir } from './helpers/revision-folders';

/**
 * create-all ≡ replay for the autogenerate corpus: every shape's entities in one app, its history
 * generated as a user would, then a fresh database built each way and compared on the whole
 * catalog. When create-all declines the lineage it must say why, and the replay it falls back to
 * must still build the same database.
 */
/** The shapes that need an extension (citext, btree_gist): a revision that creates one is not create-all's. */
const NEEDS_EXTENSION = /citext|btree_gist/;

describe.each([
  { corpus: 'every shape', shapes: SHAPES },
  { corpus: 'the shapes without an extension', shapes: SHAPES.filter((s) => !NEEDS_EXTENSION.test(s.name)) },
])('the autogenerate corpus ($corpus) built by create-all and by replay', ({ corpus, shapes }) => {
  let generated: TestDatabase;
  let replayed: TestDatabase;
  let created: TestDatabase;
  let dir: string;
  const metadata = buildMetadata({
    entities: shapes.flatMap((s) => s.entities),
    framework: { enabled: false },
  });
  const label = corpus === 'every shape' ? 'all' : 'plain';

  beforeAll(async () => {
    [generated, replayed, created] = await Promise.all([
      createTestDatabase(`corpus_${label}_generated`),
      createTestDatabase(`corpus_${label}_replayed`),
      createTestDatabase(`corpus_${label}_created`),
    ]);
    dir = tempDir('dazzle-corpus-create-all-');
  });
  afterAll(async () => {
    await Promise.all([generated?.drop(), replayed?.drop(), created?.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('compares equal on the whole catalog; create-all is used unless a revision does what entities cannot, and then it says why', async () => {
    const sources = [{ lineage: 'app' as const, dir }];
    const written = await generateRevision({
      serverUrl: generated.url,
      sources,
      metadata,
      lineage: 'app',
      message: 'corpus',
    });
    expect(written.revision).toBeDefined();
    const viaReplay = await Migrator.connect({ databaseUrl: replayed.url, sources });
    const viaCreate = await Migrator.connect({ databaseUrl: created.url, sources });
    try {
      expect((await viaReplay.upgrade()).method).toBe('replay');
      const result = await viaCreate.upgrade({ createAllFrom: metadata.entities });
      if (label === 'plain') {
        expect(result.method).toBe('create-all');
        expect(result.createAllDeclined).toBeUndefined();
      } else if (result.method === 'replay')
        expect(result.createAllDeclined).toMatch(
          /^revision \d{14}_corpus runs CreateExtension, which the entities do not describe$/,
        );
      const [a, b] = await Promise.all([snapshotCatalog(replayed.url), snapshotCatalog(created.url)]);
      expect(a.columns.length).toBeGreaterThan(80);
      expect(Object.keys(a.objects.index).length).toBeGreaterThan(40);
      expect(compareCatalogs(a, b).map(formatDifference)).toEqual([]);
    } finally {
      await Promise.all([viaReplay.close(), viaCreate.close()]);
    }
  });
});
