import { buildMetadata } from '@app/metadata-builder';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRevision, keptShadowName } from '../src';
import { prepareRevision } from '../src/authoring/write-revision';
import { assertRunsWhatWasProved } from '../src/generate/proved-revision';
import { sql } from './helpers/catalog';
import { nextTime, tempDir } from './helpers/revision-folders';

const proved = [
  {
    sql: 'CREATE TABLE "crate" ("id" SERIAL NOT NULL, "tag" text, CONSTRAINT "PK_crate" PRIMARY KEY ("id"))',
  },
  { sql: 'COMMENT ON COLUMN "crate"."tag" IS \'a `quoted` ${not a placeholder} \\\\ backslash\'' },
];

describe('a generated revision file', () => {
  for (const format of ['ts', 'js'] as const) {
    it(`(${format}) is checked to run exactly the statements proved on the shadow`, async () => {
      const prepared = prepareRevision({
        dir: tempDir(),
        lineage: 'app',
        message: 'crates',
        parents: [],
        up: proved,
        down: [{ sql: 'DROP TABLE "crate"' }],
        format,
        now: nextTime(),
      });
      await expect(assertRunsWhatWasProved(prepared, proved)).resolves.toBeUndefined();

      const tampered = { ...prepared, content: prepared.content.replace('"tag" text', '"tag" integer') };
      await expect(assertRunsWhatWasProved(tampered, proved)).rejects.toMatchObject({
        code: 'REVISION_RENDER_MISMATCH',
        message: expect.stringContaining('statement 1'),
      });
      await expect(assertRunsWhatWasProved(prepared, proved.slice(0, 1))).rejects.toMatchObject({
        code: 'REVISION_RENDER_MISMATCH',
        message: expect.stringContaining('statement 2: expected nothing'),
      });
    });
  }
});

@Entity('crate')
class CrateV1 {
  @PrimaryGeneratedColumn() id: number;
}

@Entity('crate')
class CrateV2 {
  @PrimaryGeneratedColumn() id: number;
  @Column() label: string;
}

describe('the kept shadow and a revision with a hand-written step', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('hand_fill_kept');
  });
  afterAll(() => db.drop());

  it('is not kept: the file will change when the step is filled in', async () => {
    const sources = [{ lineage: 'app' as const, dir: tempDir() }];
    const generate = (entity: typeof CrateV1 | typeof CrateV2, message: string) =>
      generateRevision({
        serverUrl: db.url,
        sources,
        metadata: buildMetadata({ entities: [entity], framework: { enabled: false } }),
        lineage: 'app',
        message,
        now: nextTime(),
      });
    await generate(CrateV1, 'crates');
    const atFirst = keptShadowName(sources);
    const second = await generate(CrateV2, 'crate label');
    expect(second.revision!.handFillLines!.length).toBeGreaterThan(0);
    // Still the kept shadow of the first revision, complete and without the new column.
    const kept = await sql<{ name: string; note: string }>(
      db.url,
      `SELECT datname AS name, shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname = $1`,
      [atFirst],
    );
    expect(kept).toEqual([
      { name: atFirst, note: expect.stringMatching(/^dazzle kept shadow, complete at /) },
    ]);
    const columns = await sql<{ c: string }>(
      db.url.replace(/\/[^/]+$/, `/${atFirst}`),
      `SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'crate' ORDER BY 1`,
    );
    expect(columns.map((r) => r.c)).toEqual(['id']);
  });
});
