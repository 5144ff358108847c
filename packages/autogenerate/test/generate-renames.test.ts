import { cpSync, readFileSync, rmSync } from 'node:fs';
import { buildMetadata, type EntityClass } from '@app/metadata-builder';
import { Migrator, type MigratorError } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRevision, previewRevisions, type RenameHint } from '../src';
import { sql } from './helpers/catalog';
import { tempDir } from './helpers/revision-folders';

@Entity('store')
class Store {
  @PrimaryGeneratedColumn() id: number;
}
@Entity('region')
class Region {
  @PrimaryGeneratedColumn() id: number;
}
@Entity('customer')
class CustomerV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 30, nullable: true }) phone: string | null;
  @ManyToOne(() => Store, { nullable: true }) store: Store | null;
}
@Entity('customer')
class CustomerWithMobile {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 30, nullable: true }) mobile: string | null;
  @ManyToOne(() => Store, { nullable: true }) store: Store | null;
}
@Entity('customer')
class CustomerWithLoyaltyTier {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer', nullable: true }) loyaltyTier: number | null;
  @ManyToOne(() => Store, { nullable: true }) store: Store | null;
}
@Entity('customer')
class CustomerInRegion {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 30, nullable: true }) phone: string | null;
  @ManyToOne(() => Region, { nullable: true }) region: Region | null;
}

const CASES: Array<[string, EntityClass, string]> = [
  [
    'a column replaced by one of the same type (TypeORM writes a RENAME)',
    CustomerWithMobile,
    'customer.phone=mobile',
  ],
  ['a column replaced by one of another type', CustomerWithLoyaltyTier, 'customer.phone=loyaltyTier'],
  ['a ManyToOne join column replaced by another relation', CustomerInRegion, 'customer.storeId=regionId'],
];

function suggestedFlags(message: string): RenameHint[] {
  return [...message.matchAll(/--rename (\S+)\.([^.=\s]+)=([^\s;]+?)(?= |$)/g)].map((m) => ({
    kind: 'column' as const,
    table: m[1]!,
    from: m[2]!,
    to: m[3]!,
  }));
}

describe('a column that goes while another comes is never renamed without the user saying so', () => {
  let db: TestDatabase;
  let base: string;
  const generate = (
    dir: string,
    entity: EntityClass,
    extra: { renames?: RenameHint[]; allowDestructive?: boolean } = {},
  ) =>
    generateRevision({
      serverUrl: db.url,
      sources: [{ lineage: 'app' as const, dir }],
      metadata: buildMetadata({ entities: [Store, Region, entity], framework: { enabled: false } }),
      lineage: 'app',
      message: entity.name,
      ...extra,
    });
  const made: string[] = [];
  const copyOfBase = () => {
    const dir = tempDir('dazzle-renames-');
    made.push(dir);
    cpSync(base, dir, { recursive: true });
    return dir;
  };

  beforeAll(async () => {
    db = await createTestDatabase('renames');
    base = tempDir('dazzle-renames-base-');
    await generate(base, CustomerV1);
    const migrator = await Migrator.connect({
      databaseUrl: db.url,
      sources: [{ lineage: 'app', dir: base }],
    });
    await migrator.upgrade();
    await migrator.close();
    await sql(db.url, `INSERT INTO store DEFAULT VALUES; INSERT INTO region DEFAULT VALUES`);
    await sql(db.url, `INSERT INTO customer (phone, "storeId") VALUES ('12', 1)`);
  });
  afterAll(async () => {
    await db.drop();
    for (const dir of [base, ...made]) rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES)(
    '%s: RENAME_AMBIGUOUS names the pair, and each suggested flag succeeds',
    async (_name, entity, pair) => {
      const refused = await generate(copyOfBase(), entity).then(
        () => undefined,
        (e: unknown) => e as MigratorError,
      );
      expect(refused?.code).toBe('RENAME_AMBIGUOUS');
      expect(refused?.message).toContain(`--rename ${pair}`);
      const flags = suggestedFlags(refused!.message);
      expect(flags.length).toBeGreaterThan(0);
      for (const flag of flags) {
        expect(flag.from).not.toBe(flag.to);
        const dir = copyOfBase();
        const { revision, up } = await generate(dir, entity, { renames: [flag] });
        expect(up.map((s) => s.sql).join('\n')).toContain(`RENAME COLUMN "${flag.from}" TO "${flag.to}"`);
        const text = readFileSync(revision!.file, 'utf8');
        if (flag.from === 'storeId') {
          // Rows now point at regions: putting the key back on store cannot keep them. Said, not hidden.
          expect(text).toContain('Down NOT proven');
          expect(text).toMatch(
            /dazzle:hand-fill: this down was tried on the shadow and it failed: .*violates foreign key constraint/,
          );
        } else expect(text).toContain('Down proven on the shadow');
      }
    },
  );

  it('check says revision would stop and ask, with the same code and flag', async () => {
    const [preview] = await previewRevisions({
      serverUrl: db.url,
      sources: [{ lineage: 'app', dir: copyOfBase() }],
      metadata: buildMetadata({
        entities: [Store, Region, CustomerWithMobile],
        framework: { enabled: false },
      }),
      lineages: ['app'],
    });
    expect(preview!.refused?.code).toBe('RENAME_AMBIGUOUS');
    expect(preview!.refused?.message).toContain('--rename customer.phone=mobile');
  });

  it("with --allow-destructive, TypeORM's own RENAME becomes a drop and an empty new column", async () => {
    const { up } = await generate(copyOfBase(), CustomerWithMobile, { allowDestructive: true });
    const statements = up.map((s) => s.sql).join('\n');
    expect(statements).not.toContain('RENAME');
    expect(statements).toContain('DROP COLUMN "phone"');
    expect(statements).toContain('ADD "mobile" character varying(30)');
  });
});
