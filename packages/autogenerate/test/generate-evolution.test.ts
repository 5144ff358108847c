import { readFileSync, writeFileSync } from 'node:fs';
import { RenamedFrom } from '@app/entities-framework';
import { buildMetadata, type EntityClass } from '@app/metadata-builder';
import { type CatalogSnapshot, Migrator, snapshotCatalog } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findSchemaDrift, generateRevision, type RenameHint, rehashFolder } from '../src';
import { schemaChangesSince, sql } from './helpers/catalog';
import { withMigrator as migratorOn } from './helpers/migrator';
import { refusal } from './helpers/refusal';
import { tempDir } from './helpers/revision-folders';

@Entity('account')
class AccountV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 50 }) handle: string;
  @Column('integer') balance: number;
  @Column({ type: 'varchar', length: 40, nullable: true }) reference: string | null;
  @Column({ type: 'text', nullable: true }) legacy: string | null;
  @Column({ type: 'text', nullable: true }) score: string | null;
}
@Entity('account')
class AccountRenamedByHint {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 50 }) handle: string;
  @Column('integer') balance: number;
  @RenamedFrom('reference')
  @Column({ name: 'bank_ref', type: 'varchar', length: 40, nullable: true })
  bankRef: string | null;
  @Column({ type: 'text', nullable: true }) legacy: string | null;
  @Column({ type: 'text', nullable: true }) score: string | null;
}
@Entity('account')
class AccountRenamedAndWidened {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 100 }) handle: string;
  @Column('bigint') balance: string;
  @Column({ name: 'bank_ref', type: 'varchar', length: 40, nullable: true }) bankRef: string | null;
  @Column({ type: 'text', nullable: true }) legacy: string | null;
  @Column({ type: 'text', nullable: true }) score: string | null;
  @Column({ type: 'boolean', default: false }) vip: boolean;
}
@Entity('account')
class AccountWithCurrency {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 50 }) handle: string;
  @Column('integer') balance: number;
  @Column({ type: 'varchar', length: 40, nullable: true }) reference: string | null;
  @Column({ type: 'text', nullable: true }) legacy: string | null;
  @Column({ type: 'text', nullable: true }) score: string | null;
  @Column({ type: 'char', length: 3 }) currency: string;
}
@Entity('account')
class AccountWithoutLegacy {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 50 }) handle: string;
  @Column('integer') balance: number;
  @Column({ type: 'varchar', length: 40, nullable: true }) reference: string | null;
  @Column({ type: 'text', nullable: true }) score: string | null;
}
@Entity('account')
class AccountScoreAsInteger {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 50 }) handle: string;
  @Column('integer') balance: number;
  @Column({ type: 'varchar', length: 40, nullable: true }) reference: string | null;
  @Column({ type: 'text', nullable: true }) legacy: string | null;
  @Column({ type: 'integer', nullable: true }) score: number | null;
}

describe('evolving a table that holds rows', () => {
  let db: TestDatabase;
  let dir: string;
  let before: CatalogSnapshot;
  const sources = () => [{ lineage: 'app' as const, dir }];
  const metadataOf = (entity: EntityClass) =>
    buildMetadata({ entities: [entity], framework: { enabled: false } });
  const generate = (
    entity: EntityClass,
    extra: { renames?: RenameHint[]; allowDestructive?: boolean } = {},
  ) =>
    generateRevision({
      serverUrl: db.url,
      sources: sources(),
      metadata: metadataOf(entity),
      lineage: 'app',
      message: entity.name,
      ...extra,
    });
  const withMigrator = <T>(work: (m: Migrator) => Promise<T>) => migratorOn(db.url, sources(), work);

  beforeEach(async () => {
    db = await createTestDatabase('evolution');
    dir = tempDir('dazzle-evolve-');
    await generate(AccountV1);
    await withMigrator((m) => m.upgrade());
    await sql(
      db.url,
      `INSERT INTO account (handle, balance, reference, legacy, score) VALUES ('ada', 2147483000, 'REF-1', 'old', '42'), ('bob', 5, NULL, NULL, '7')`,
    );
    before = await snapshotCatalog(db.url);
  });
  afterEach(() => db.drop());

  async function expectDownRestores(): Promise<void> {
    // Some downs drop a column that holds values (the backfilled one): allowed, as the test asks for the schema.
    await withMigrator((m) => m.downgrade('-1', { allowDestructive: true }));
    expect(await schemaChangesSince(before, db.url)).toEqual([]);
  }

  it('renames a column named by @RenamedFrom and keeps its values', async () => {
    const { revision, up } = await generate(AccountRenamedByHint);
    expect(up.map((s) => s.sql)).toEqual(['ALTER TABLE "account" RENAME COLUMN "reference" TO "bank_ref"']);
    await withMigrator((m) => m.upgrade());
    expect(await sql(db.url, `SELECT bank_ref FROM account WHERE handle = 'ada'`)).toEqual([
      { bank_ref: 'REF-1' },
    ]);
    expect(readFileSync(revision!.file, 'utf8')).toContain('rename: ALTER TABLE "account" RENAME COLUMN');
    await expectDownRestores();
    expect(await sql(db.url, `SELECT reference FROM account WHERE handle = 'ada'`)).toEqual([
      { reference: 'REF-1' },
    ]);
  });

  it('renames, widens and converts integer to bigint in one revision, keeping every value', async () => {
    const ambiguous = await refusal(generate(AccountRenamedAndWidened));
    expect(ambiguous.code).toBe('RENAME_AMBIGUOUS');
    expect(ambiguous.message).toContain('--rename account.reference=bank_ref');

    const { up } = await generate(AccountRenamedAndWidened, {
      renames: [{ kind: 'column', table: 'account', from: 'reference', to: 'bank_ref' }],
    });
    const statements = up.map((s) => s.sql).join('\n');
    expect(statements).toContain('RENAME COLUMN "reference" TO "bank_ref"');
    expect(statements).toContain(
      'ALTER COLUMN "handle" TYPE character varying(100) USING "handle"::character varying(100)',
    );
    expect(statements).toContain('ALTER COLUMN "balance" TYPE bigint USING "balance"::bigint');
    expect(statements).not.toMatch(/DROP COLUMN/);
    await withMigrator((m) => m.upgrade());
    await sql(db.url, `UPDATE account SET balance = balance * 1000 WHERE handle = 'ada'`);
    expect(await sql(db.url, `SELECT handle, balance, bank_ref, vip FROM account ORDER BY id`)).toEqual([
      { handle: 'ada', balance: '2147483000000', bank_ref: 'REF-1', vip: false },
      { handle: 'bob', balance: '5', bank_ref: null, vip: false },
    ]);
    expect(
      await findSchemaDrift({
        serverUrl: db.url,
        sources: sources(),
        metadata: metadataOf(AccountRenamedAndWidened),
      }),
    ).toEqual([]);
    await sql(db.url, `UPDATE account SET balance = 1 WHERE handle = 'ada'`);
    await expectDownRestores();
  });

  it('adds a NOT NULL column through a hand-filled backfill', async () => {
    const { revision } = await generate(AccountWithCurrency);
    const error = await refusal(withMigrator((m) => m.upgrade()));
    expect(error.code).toBe('REVISION_NEEDS_HAND_FILL');
    const filled = readFileSync(revision!.file, 'utf8')
      .split('\n')
      .filter((line) => !line.includes('dazzle:hand-fill'))
      .join('\n')
      .replace(`SET "currency" = NULL WHERE`, `SET "currency" = 'EUR' WHERE`);
    writeFileSync(revision!.file, filled);
    await rehashFolder(dir, 'app');
    await withMigrator((m) => m.upgrade());
    expect(await sql(db.url, `SELECT DISTINCT currency FROM account`)).toEqual([{ currency: 'EUR' }]);
    expect(
      await sql(
        db.url,
        `SELECT is_nullable FROM information_schema.columns WHERE table_name = 'account' AND column_name = 'currency'`,
      ),
    ).toEqual([{ is_nullable: 'NO' }]);
    await expectDownRestores();
  });

  it('refuses to drop a column unless told to, and down brings the column back', async () => {
    const refused = await refusal(generate(AccountWithoutLegacy));
    expect(refused.code).toBe('DESTRUCTIVE_CHANGE');
    expect(refused.message).toContain('ALTER TABLE "account" DROP COLUMN "legacy"');
    expect(refused.message).toContain('--allow-destructive');
    const { revision, findings } = await generate(AccountWithoutLegacy, { allowDestructive: true });
    expect(findings.find((f) => f.rule === 'drop-column')?.severity).toBe('info');
    expect(readFileSync(revision!.file, 'utf8')).toContain('dazzle:acknowledged drop-column');
    await withMigrator((m) => m.upgrade());
    await expectDownRestores();
  });

  it('turns a cast that can fail into a step a person must confirm', async () => {
    const { revision, up } = await generate(AccountScoreAsInteger);
    expect(up[0]).toMatchObject({
      sql: 'ALTER TABLE "account" ALTER COLUMN "score" TYPE integer USING "score"::integer',
    });
    expect(up[0]!.handFill).toMatch(/converts to integer/);
    expect((await refusal(withMigrator((m) => m.upgrade()))).code).toBe('REVISION_NEEDS_HAND_FILL');
    writeFileSync(
      revision!.file,
      readFileSync(revision!.file, 'utf8')
        .split('\n')
        .filter((l) => !l.includes('dazzle:hand-fill'))
        .join('\n'),
    );
    await rehashFolder(dir, 'app');
    await withMigrator((m) => m.upgrade());
    expect(await sql(db.url, `SELECT score FROM account ORDER BY id`)).toEqual([{ score: 42 }, { score: 7 }]);
    await expectDownRestores();
  });
});

@Entity('account')
class AccountAlone {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 50 }) handle: string;
}
@Entity('ledger_entry')
class LedgerEntry {
  @PrimaryGeneratedColumn() id: number;
  @Column('integer') amount: number;
  @ManyToOne(() => AccountAlone, { onDelete: 'CASCADE' }) account: AccountAlone;
}

describe('removing an entity', () => {
  let db: TestDatabase;
  let dir: string;
  const sources = () => [{ lineage: 'app' as const, dir }];
  const generate = (entities: EntityClass[], allowDestructive = false) =>
    generateRevision({
      serverUrl: db.url,
      sources: sources(),
      metadata: buildMetadata({ entities, framework: { enabled: false } }),
      lineage: 'app',
      message: `with ${entities.length} entities`,
      allowDestructive,
    });

  beforeEach(async () => {
    db = await createTestDatabase('orphans');
    dir = tempDir('dazzle-orphans-');
  });
  afterEach(() => db.drop());

  it('proposes DROP TABLE only with --allow-destructive, check reports it meanwhile, and down recreates the table', async () => {
    await generate([AccountAlone, LedgerEntry]);
    const migrator = await Migrator.connect({ databaseUrl: db.url, sources: sources() });
    try {
      await migrator.upgrade();
      await sql(db.url, `INSERT INTO account (handle) VALUES ('ada')`);
      const before = await snapshotCatalog(db.url);

      const refused = await refusal(generate([AccountAlone]));
      expect(refused.code).toBe('DESTRUCTIVE_CHANGE');
      expect(refused.message).toContain('DROP TABLE "ledger_entry"');
      expect(
        await findSchemaDrift({
          serverUrl: db.url,
          sources: sources(),
          metadata: buildMetadata({ entities: [AccountAlone], framework: { enabled: false } }),
        }),
      ).toEqual([
        { lineage: 'app', table: 'ledger_entry', entity: undefined, sql: 'DROP TABLE "ledger_entry"' },
      ]);

      const { up } = await generate([AccountAlone], true);
      expect(up.map((s) => s.sql)).toContain('DROP TABLE "ledger_entry"');
      await migrator.close();
      const next = await Migrator.connect({ databaseUrl: db.url, sources: sources() });
      await next.upgrade();
      expect(await sql(db.url, `SELECT to_regclass('ledger_entry') AS t`)).toEqual([{ t: null }]);
      expect(
        await findSchemaDrift({
          serverUrl: db.url,
          sources: sources(),
          metadata: buildMetadata({ entities: [AccountAlone], framework: { enabled: false } }),
        }),
      ).toEqual([]);
      await next.downgrade('-1');
      await next.close();
      expect(await schemaChangesSince(before, db.url)).toEqual([]);
    } finally {
      await migrator.close();
    }
  });
});
