import { readFileSync } from 'node:fs';
import { buildMetadata } from '@app/metadata-builder';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision, Migrator } from '../src';
import { SHAPES } from './corpus/entity-shapes';
import { sql } from './helpers/catalog';
import { tempDir } from './helpers/revision-folders';

describe('generate on an empty database → apply → the next diff is empty', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('corpus');
  });
  afterAll(() => db.drop());

  it('covers at least 40 shapes', () => {
    expect(SHAPES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(SHAPES.map((s) => [s.name, s] as const))('%s', async (_name, shape) => {
    const dir = tempDir('dazzle-corpus-');
    const sources = [{ lineage: 'app' as const, dir }];
    const metadata = buildMetadata({ entities: shape.entities, framework: { enabled: false } });
    const generated = await generateRevision({
      serverUrl: db.url,
      sources,
      metadata,
      lineage: 'app',
      message: shape.name,
    });
    expect(generated.revision).toBeDefined();
    // Proven both ways on the shadow with a row in each table: up, down to the exact schema, up.
    const header = readFileSync(generated.revision!.file, 'utf8');
    expect(header).toContain('Down proven on the shadow');
    expect(header).not.toContain('dazzle:hand-fill');
    expect(await findSchemaDrift({ serverUrl: db.url, sources, metadata })).toEqual([]);
    const again = await generateRevision({
      serverUrl: db.url,
      sources,
      metadata,
      lineage: 'app',
      message: 'nothing',
    });
    expect(again.revision).toBeUndefined();
    // The revision's down undoes it exactly: back to an empty schema (extensions included).
    const scratch = await createTestDatabase('corpus_down');
    try {
      const migrator = await Migrator.connect({ databaseUrl: scratch.url, sources });
      try {
        await migrator.upgrade();
        await migrator.downgrade('base');
      } finally {
        await migrator.close();
      }
      const left = await sql(
        scratch.url,
        `SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_name NOT LIKE '\\_dazzle\\_%' AND table_name <> 'typeorm_metadata'`,
      );
      expect(left).toEqual([]);
    } finally {
      await scratch.drop();
    }
  });
});
