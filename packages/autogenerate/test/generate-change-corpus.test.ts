import { readFileSync, rmSync } from 'node:fs';
import { buildMetadata } from '@app/metadata-builder';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision } from '../src';
import { CHANGE_SHAPES } from './corpus/change-shapes';
import { tempDir } from './helpers/revision-folders';

// Shapes run a few at a time: each has its own folder, so its own history and kept shadow, and a
// shape spends most of its time waiting on PostgreSQL, which the others' work fills. Its steps
// still run in order. `expect` comes from each test's context so failures name their shape.
const cases = CHANGE_SHAPES.map((s) => [s.name, s] as const);
/** Up to five shapes (vitest's maxConcurrency) share the worker: each gets five times the usual minute. */
const SHAPE_TIMEOUT_MS = 5 * 60_000;

describe('each change is generated against its history and proven up → down → up with rows', () => {
  let db: TestDatabase;
  const dirs: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('change_corpus');
  });
  afterAll(async () => {
    await db.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('covers at least 20 shapes', () => {
    expect(CHANGE_SHAPES.length).toBeGreaterThanOrEqual(20);
  });

  it.concurrent.for(cases)('%s', { timeout: SHAPE_TIMEOUT_MS }, async ([, shape], { expect }) => {
    const dir = tempDir('dazzle-change-corpus-');
    dirs.push(dir);
    const sources = [{ lineage: 'app' as const, dir }];
    for (const [index, step] of shape.steps.entries()) {
      const metadata = buildMetadata({ entities: step.entities, framework: { enabled: false } });
      const generated = await generateRevision({
        serverUrl: db.url,
        sources,
        metadata,
        lineage: 'app',
        message: `step ${index + 1}`,
        renames: step.renames,
        allowDestructive: step.destructive,
      });
      expect(generated.revision, `step ${index + 1} wrote nothing`).toBeDefined();
      const text = readFileSync(generated.revision!.file, 'utf8');
      // Later steps alter tables that exist on the shadow: the proof seeds a row in them first.
      expect(text).toMatch(
        index === 0 || step.noRows ? /Down proven on the shadow/ : /Down proven on the shadow with a row in/,
      );
      expect(text).not.toContain('Proven without rows in');
      if (step.handFill) {
        // The type change is written and proven; only the USING expression awaits a person.
        expect(text).toContain('dazzle:hand-fill');
        expect(index).toBe(shape.steps.length - 1);
        continue;
      }
      expect(text).not.toContain('dazzle:hand-fill');
      expect(await findSchemaDrift({ serverUrl: db.url, sources, metadata })).toEqual([]);
    }
  });
});
