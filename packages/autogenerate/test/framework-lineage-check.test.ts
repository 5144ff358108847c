import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameworkMigrationsDir } from '@app/entities-framework';
import { buildMetadata } from '@app/metadata-builder';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision, rehashFolder } from '../src';
import { tempDir } from './helpers/revision-folders';

describe('check for the framework lineage', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('framework_check');
  });
  afterAll(() => db.drop());

  it('the committed framework revisions reproduce the framework entities exactly', async () => {
    // This is what fails CI when someone adds a field to FeedbackReport without a framework revision.
    const drift = await findSchemaDrift({
      serverUrl: db.url,
      sources: [{ lineage: 'framework', dir: frameworkMigrationsDir }],
      metadata: buildMetadata({}),
    });
    expect(
      drift,
      `framework entities changed without a revision; run \`dazzle db revision --lineage framework -m "…"\`:\n${drift.map((d) => d.sql).join('\n')}`,
    ).toEqual([]);
  });

  it('names the missing statements, entity and lineage when a framework field has no revision', async () => {
    const dir = tempDir('dazzle-fw-');
    cpSync(frameworkMigrationsDir, dir, { recursive: true });
    const baseline = readdirSync(dir).find((f) => f.endsWith('.js'))!;
    const file = join(dir, baseline);
    writeFileSync(file, readFileSync(file, 'utf8').replace(`"persona" character varying(50), `, ''));
    await rehashFolder(dir, 'framework');
    const sources = [{ lineage: 'framework' as const, dir }];
    const drift = await findSchemaDrift({ serverUrl: db.url, sources, metadata: buildMetadata({}) });
    expect(drift).toEqual([
      {
        lineage: 'framework',
        table: 'feedback_report',
        entity: 'FeedbackReport',
        sql: 'ALTER TABLE "feedback_report" ADD "persona" character varying(50)',
      },
    ]);

    const appDir = tempDir('dazzle-app-');
    const refused = await generateRevision({
      serverUrl: db.url,
      sources: [...sources, { lineage: 'app', dir: appDir }],
      metadata: buildMetadata({}),
      lineage: 'app',
      message: 'app change',
    }).catch((e: unknown) => e as { code: string; message: string });
    expect(refused).toMatchObject({ code: 'LINEAGE_DRIFT' });
    expect((refused as { message: string }).message).toMatch(
      /FeedbackReport\.persona \(framework lineage\).*--lineage framework/,
    );
  });
});
