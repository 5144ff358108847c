import { readFileSync } from 'node:fs';
import { buildMetadata } from '@app/metadata-builder';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision } from '../src';
import { SHAPES } from './corpus/entity-shapes';
import { tempDir } from './helpers/revision-folders';

// Shapes run a few at a time: each has its own folder, so its own history and kept shadow, and
// a shape spends most of its time waiting on PostgreSQL (new connections, catalog reads), which
// the others' work fills. `expect` comes from each test's context so failures name their shape.
const cases = SHAPES.map((s) => [s.name, s] as const);
/** Up to five shapes (vitest's maxConcurrency) share the worker: each gets five times the usual minute. */
const SHAPE_TIMEOUT_MS = 5 * 60_000;

describe('generate on an empty database → apply → the next diff is empty', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('corpus');
  });
  afterAll(() => db.drop());

  it('covers at least 40 shapes', () => {
    expect(SHAPES.length).toBeGreaterThanOrEqual(40);
  });

  it.concurrent.for(cases)('%s', { timeout: SHAPE_TIMEOUT_MS }, async ([, shape], { expect }) => {
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
    // Proven both ways on the shadow with a row in each table: up, down to the exact schema
    // before it (catalog snapshot, extensions included), up again. That replaces replaying the
    // file up and down on a scratch database, which checked less (only that no table was left).
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
  });
});
