import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { checksumOf, entryPathOf, Migrator, type MigratorError } from '@app/migrator';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rehashFolder } from '../src';
import { ledgerIds, sql, tables } from './helpers/catalog';
import { tempDir, writeChain } from './helpers/revision-folders';

async function expectCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<MigratorError> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as MigratorError | undefined;
  expect(error, `expected ${code}`).toBeDefined();
  expect(error!.code).toBe(code);
  if (message) expect(error!.message).toMatch(message);
  return error!;
}

describe('upgrade and downgrade', () => {
  let db: TestDatabase;
  let dir: string;
  const open = (extra: Partial<Parameters<typeof Migrator.connect>[0]> = {}) =>
    Migrator.connect({
      databaseUrl: db.url,
      sources: [{ lineage: 'app', dir }],
      lockTimeoutMs: 2_000,
      ...extra,
    });

  beforeEach(async () => {
    db = await createTestDatabase('upgrade');
    dir = tempDir();
  });
  afterEach(() => db.drop());

  it('applies every revision in order, records each in the ledger, then has nothing to do', async () => {
    const chain = writeChain(dir, 'app', [
      {
        message: 'create customer',
        up: ['CREATE TABLE customer (id serial PRIMARY KEY)'],
        down: ['DROP TABLE customer'],
      },
      {
        message: 'add name',
        up: ['ALTER TABLE customer ADD COLUMN name text'],
        down: ['ALTER TABLE customer DROP COLUMN name'],
      },
    ]);
    const migrator = await open();
    try {
      const first = await migrator.upgrade();
      expect(first.revisions.map((r) => r.id)).toEqual(chain.map((r) => r.id));
      expect(await ledgerIds(db.url)).toEqual(chain.map((r) => r.id));
      expect(await tables(db.url)).toEqual([
        '_dazzle_migration_lease',
        '_dazzle_migrations',
        '_dazzle_params',
        '_dazzle_revision_progress',
        'customer',
        'typeorm_metadata',
      ]);
      const second = await migrator.upgrade();
      expect(second).toMatchObject({ noop: true, revisions: [] });
      expect((await migrator.status()).state).toBe('in-step');
    } finally {
      await migrator.close();
    }
  });

  it('runs the text whose checksum it verified, even if the file changes before it runs', async () => {
    let parent: string | undefined;
    for (const format of ['ts', 'js'] as const) {
      const [revision] = writeChain(
        dir,
        'app',
        [
          {
            message: `create ${format} table`,
            up: [`CREATE TABLE verified_${format} (id int)`],
            parents: parent ? [parent] : [],
          },
        ],
        format,
      );
      parent = revision!.id;
      const text = readFileSync(revision!.file, 'utf8');
      const migrator = await open();
      try {
        // Swapped on disk after the folder was read and checked: the swap must not run.
        writeFileSync(revision!.file, text.replace(`verified_${format}`, `swapped_${format}`));
        await migrator.upgrade();
      } finally {
        await migrator.close();
        writeFileSync(revision!.file, text);
      }
      expect(await tables(db.url)).toContain(`verified_${format}`);
      expect(await tables(db.url)).not.toContain(`swapped_${format}`);
    }
  });

  it('rolls back the whole revision when a statement fails, keeping earlier ones applied', async () => {
    const [good, bad] = writeChain(dir, 'app', [
      { message: 'create a', up: ['CREATE TABLE a (id int PRIMARY KEY)'] },
      {
        message: 'broken',
        up: [
          'CREATE TABLE b (id int PRIMARY KEY)',
          'INSERT INTO b VALUES (1)',
          'ALTER TABLE missing ADD COLUMN x int',
        ],
      },
    ]);
    const migrator = await open();
    try {
      const error = await expectCode(migrator.upgrade(), 'MIGRATION_FAILED', /rolled back whole/);
      expect(error.message).toContain(bad!.id);
      expect(error.message).toContain(bad!.file);
      expect(error.message).toContain('relation "missing" does not exist');
      expect(error.details.statement).toBe('ALTER TABLE missing ADD COLUMN x int');
      expect(await ledgerIds(db.url)).toEqual([good!.id]);
      expect(await tables(db.url)).not.toContain('b');
    } finally {
      await migrator.close();
    }
  });

  it('loads every pending revision before the first runs: a broken second one stops the run with nothing applied', async () => {
    const [, broken] = writeChain(
      dir,
      'app',
      [
        { message: 'create loaded', up: ['CREATE TABLE loaded (id int)'] },
        { message: 'never loads', up: ['CREATE TABLE never (id int)'] },
      ],
      'js',
    );
    // Checksummed as it is, so the folder reads cleanly and the failure comes only when it loads.
    const text = `${readFileSync(broken!.file, 'utf8')}\nconst = broken syntax;\n`;
    writeFileSync(broken!.file, text);
    const entryFile = entryPathOf(dir, basename(broken!.file));
    const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as { checksum: string };
    writeFileSync(entryFile, JSON.stringify({ ...entry, checksum: checksumOf(text) }, null, 2));

    const migrator = await open();
    try {
      await expectCode(migrator.upgrade(), 'REVISION_LOAD_FAILED', new RegExp(broken!.id));
      expect(await ledgerIds(db.url)).toEqual([]);
      expect(await tables(db.url)).not.toContain('loaded');
    } finally {
      await migrator.close();
    }
  });

  it.each([
    ['transactional', false, /transactional: the manifest says false, the file says true/],
    ['id', '20990101000000_forged', /id: the manifest says "20990101000000_forged", the file says "/],
  ])(
    'refuses a manifest whose %s disagrees with the file header, before anything runs',
    async (field, value, reason) => {
      const [first, second] = writeChain(dir, 'app', [
        { message: 'one', up: ['CREATE TABLE one (id int)'] },
        { message: 'two', up: ['CREATE TABLE two (id int)'] },
      ]);
      const entryFile = entryPathOf(dir, basename(second!.file));
      const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as Record<string, unknown>;
      writeFileSync(entryFile, JSON.stringify({ ...entry, [field]: value }, null, 2));
      const migrator = await open();
      try {
        await expectCode(migrator.upgrade(), 'MANIFEST_MISMATCH', reason);
        await expectCode(migrator.renderUpgradeSql(), 'MANIFEST_MISMATCH', reason);
        expect(await tables(db.url)).not.toContain('one');
        expect(first).toBeDefined();
      } finally {
        await migrator.close();
      }
    },
  );

  it('runs a non-transactional revision such as CREATE INDEX CONCURRENTLY', async () => {
    writeChain(dir, 'app', [
      { message: 'create t', up: ['CREATE TABLE t (id int PRIMARY KEY, v int)'] },
      {
        message: 'index v',
        up: ['CREATE INDEX CONCURRENTLY t_v_idx ON t (v)'],
        down: ['DROP INDEX CONCURRENTLY t_v_idx'],
        transactional: false,
      },
    ]);
    const migrator = await open();
    try {
      await migrator.upgrade();
      expect(await sql(db.url, `SELECT indexname FROM pg_indexes WHERE indexname = 't_v_idx'`)).toHaveLength(
        1,
      );
      await migrator.downgrade('-1');
      expect(await sql(db.url, `SELECT indexname FROM pg_indexes WHERE indexname = 't_v_idx'`)).toHaveLength(
        0,
      );
    } finally {
      await migrator.close();
    }
  });

  it('downgrades by step, to a revision, and to base, in reverse order', async () => {
    const chain = writeChain(
      dir,
      'app',
      ['a', 'b', 'c'].map((t) => ({
        message: `create ${t}`,
        up: [`CREATE TABLE ${t} (id int)`],
        down: [`DROP TABLE ${t}`],
      })),
    );
    const migrator = await open();
    try {
      await migrator.upgrade();
      expect((await migrator.downgrade('-1')).revisions.map((r) => r.id)).toEqual([chain[2]!.id]);
      await migrator.upgrade();
      const toFirst = await migrator.downgrade(chain[0]!.id);
      expect(toFirst.revisions.map((r) => r.id)).toEqual([chain[2]!.id, chain[1]!.id]);
      expect(await tables(db.url)).toContain('a');
      await migrator.downgrade('app@base');
      expect(await ledgerIds(db.url)).toEqual([]);
      expect(await tables(db.url)).toEqual([
        '_dazzle_migration_lease',
        '_dazzle_migrations',
        '_dazzle_params',
        '_dazzle_revision_progress',
        'typeorm_metadata',
      ]);
      await migrator.upgrade({ target: '+1' });
      expect(await ledgerIds(db.url)).toEqual([chain[0]!.id]);
    } finally {
      await migrator.close();
    }
  });

  it('refuses to take the framework lineage below a revision an applied app revision depends on', async () => {
    const frameworkDir = tempDir();
    const [fw] = writeChain(frameworkDir, 'framework', [
      {
        message: 'framework users',
        up: ['CREATE TABLE fw_user (id int PRIMARY KEY)'],
        down: ['DROP TABLE fw_user'],
      },
    ]);
    const [app] = writeChain(dir, 'app', [
      {
        message: 'orders',
        up: ['CREATE TABLE orders (id int, user_id int REFERENCES fw_user(id))'],
        down: ['DROP TABLE orders'],
        dependsOn: [fw!.id],
      },
    ]);
    const migrator = await open({
      sources: [
        { lineage: 'framework', dir: frameworkDir },
        { lineage: 'app', dir },
      ],
    });
    try {
      const result = await migrator.upgrade({ target: 'app@head' });
      expect(result.revisions.map((r) => r.id)).toEqual([fw!.id, app!.id]);
      await expectCode(
        migrator.downgrade('framework@base'),
        'DOWNGRADE_BLOCKED',
        new RegExp(`app revision ${app!.id} depends on it`),
      );
      expect(await ledgerIds(db.url)).toEqual([fw!.id, app!.id].sort());
      await migrator.downgrade('app@base');
      await migrator.downgrade('framework@base');
      expect(await ledgerIds(db.url)).toEqual([]);
    } finally {
      await migrator.close();
    }
  });

  it('refuses an applied revision whose file changed, unless the change is accepted', async () => {
    const [rev] = writeChain(dir, 'app', [{ message: 'create t', up: ['CREATE TABLE t (id int)'] }]);
    let migrator = await open();
    await migrator.upgrade();
    await migrator.close();

    writeFileSync(
      rev!.file,
      readFileSync(rev!.file, 'utf8').replace('CREATE TABLE t (id int)', 'CREATE TABLE t (id bigint)'),
    );
    migrator = await open();
    try {
      await expectCode(migrator.upgrade(), 'MANIFEST_MISMATCH', /was edited after the manifest was written/);
      expect((await migrator.status()).state).toBe('manifest-mismatch');
    } finally {
      await migrator.close();
    }

    await rehashFolder(dir, 'app');
    migrator = await open();
    try {
      await expectCode(migrator.upgrade(), 'CHECKSUM_MISMATCH', new RegExp(`--accept-checksum ${rev!.id}`));
      await migrator.upgrade({ acceptChecksums: [rev!.id] });
      const [row] = await sql<{ checksum: string }>(db.url, 'SELECT checksum FROM _dazzle_migrations');
      expect(row!.checksum).toBe((await migrator.history())[0]!.revision.checksum);
    } finally {
      await migrator.close();
    }
  });

  it('names a revision file missing from the manifest', async () => {
    writeChain(dir, 'app', [{ message: 'one', up: ['SELECT 1'] }]);
    const other = tempDir();
    const [stray] = writeChain(other, 'app', [{ message: 'two', up: ['SELECT 2'] }]);
    writeFileSync(`${dir}/${stray!.id}.ts`, readFileSync(stray!.file));
    const migrator = await open();
    try {
      await expectCode(
        migrator.upgrade(),
        'MANIFEST_MISMATCH',
        new RegExp(`${stray!.id}.ts is not in the manifest`),
      );
    } finally {
      await migrator.close();
    }
  });

  it('refuses two heads and upgrades once they are merged', async () => {
    const [base] = writeChain(dir, 'app', [{ message: 'base', up: ['CREATE TABLE base (id int)'] }]);
    writeChain(dir, 'app', [{ message: 'left', up: ['CREATE TABLE l (id int)'], parents: [base!.id] }]);
    writeChain(dir, 'app', [{ message: 'right', up: ['CREATE TABLE r (id int)'], parents: [base!.id] }]);
    let migrator = await open();
    await expectCode(migrator.upgrade(), 'MULTIPLE_HEADS', /dazzle db merge/);
    const { writeMergeRevision } = await import('../src');
    writeMergeRevision({ graph: migrator.graph, dir, lineage: 'app', message: 'merge heads' });
    await migrator.close();
    migrator = await open();
    try {
      expect((await migrator.upgrade()).revisions).toHaveLength(4);
      expect(migrator.heads().app).toHaveLength(1);
    } finally {
      await migrator.close();
    }
  });

  it('refuses a database that is ahead of the code', async () => {
    const chain = writeChain(dir, 'app', [
      { message: 'one', up: ['CREATE TABLE one (id int)'] },
      { message: 'two', up: ['CREATE TABLE two (id int)'] },
    ]);
    const migrator = await open();
    await migrator.upgrade();
    await migrator.close();

    const olderCode = tempDir();
    writeFileSync(`${olderCode}/${chain[0]!.id}.ts`, readFileSync(chain[0]!.file));
    await rehashFolder(olderCode, 'app');
    const old = await open({ sources: [{ lineage: 'app', dir: olderCode }] });
    try {
      await expectCode(old.upgrade(), 'DATABASE_AHEAD', new RegExp(`${chain[1]!.id}.*ahead of the code`));
      expect((await old.current()).unknown.map((r) => r.id)).toEqual([chain[1]!.id]);
    } finally {
      await old.close();
    }
  });

  it('refuses a revision with an unfilled hand-written step', async () => {
    const { writeRevision } = await import('../src');
    writeRevision({
      dir,
      lineage: 'app',
      message: 'needs backfill',
      parents: [],
      up: [{ sql: 'UPDATE t SET x = NULL', handFill: 'Backfill x.' }],
      down: [],
    });
    const migrator = await open();
    try {
      await expectCode(migrator.upgrade(), 'REVISION_NEEDS_HAND_FILL', /to fill in by hand at .*\.ts:\d+/);
      // The offline script refuses it too, rather than render the placeholder for a DBA to run.
      await expectCode(migrator.renderUpgradeSql(), 'REVISION_NEEDS_HAND_FILL', /to fill in by hand/);
      expect(await tables(db.url)).not.toContain('t');
    } finally {
      await migrator.close();
    }
  });
});
