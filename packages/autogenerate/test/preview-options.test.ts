import { rmSync } from 'node:fs';
import { buildMetadata } from '@app/metadata-builder';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRevision, previewRevisions } from '../src';
import { tempDir } from './helpers/revision-folders';

@Entity('parcel')
class Parcel {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text' }) label: string;
}
@Entity('parcel')
@Index('IDX_parcel_label', ['label'])
class ParcelIndexed {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text' }) label: string;
}

// `check` previews the next revision; it must plan with the options `revision` would use.
describe('check previews the revision with the options revision is given', () => {
  let db: TestDatabase;
  let dir: string;
  const sources = () => [{ lineage: 'app' as const, dir }];
  const metadata = buildMetadata({ entities: [ParcelIndexed], framework: { enabled: false } });
  const preview = (options: { online?: boolean; shadowServerUrl?: string }) =>
    previewRevisions({ serverUrl: db.url, sources: sources(), metadata, lineages: ['app'], ...options });

  beforeAll(async () => {
    db = await createTestDatabase('preview_options');
    dir = tempDir('dazzle-preview-options-');
    await generateRevision({
      serverUrl: db.url,
      sources: sources(),
      metadata: buildMetadata({ entities: [Parcel], framework: { enabled: false } }),
      lineage: 'app',
      message: 'parcel',
    });
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the online form by default and the plain form with online: false', async () => {
    const [online] = await preview({});
    expect(online!.up.join('\n')).toContain('CREATE INDEX CONCURRENTLY "IDX_parcel_label"');
    const [plain] = await preview({ online: false });
    expect(plain!.up).toHaveLength(1);
    expect(plain!.up[0]).toMatch(/^CREATE INDEX "IDX_parcel_label" ON "parcel"/);
  });

  it('builds its shadow on the configured shadow server, not on the target', async () => {
    const unreachable = 'postgres://nobody@127.0.0.1:1/postgres';
    await expect(preview({ shadowServerUrl: unreachable })).rejects.toThrow(/127\.0\.0\.1:1|ECONNREFUSED/);
  });
});
