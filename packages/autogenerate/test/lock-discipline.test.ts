import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Migrator, type MigratorEvent } from '@app/migrator';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rehashFolder } from '../src';
import { ledgerIds } from './helpers/catalog';
import { tempDir, writeChain } from './helpers/revision-folders';

type Retry = Extract<MigratorEvent, { type: 'lock-retry' }>;

describe('lock discipline of transactional revisions', () => {
  let db: TestDatabase;
  let dir: string;
  let holder: pg.Client;

  beforeEach(async () => {
    db = await createTestDatabase('lock_discipline');
    dir = tempDir();
    await queryDatabase(db.url, 'CREATE TABLE busy (id int)');
    // A reader with an open transaction: its ACCESS SHARE lock blocks any ALTER TABLE on busy.
    holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT * FROM busy');
  });
  afterEach(async () => {
    await holder.end().catch(() => undefined);
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives up the lock wait at lock_timeout, retries, and succeeds once the lock is free', async () => {
    const [first, blocked] = writeChain(dir, 'app', [
      { message: 'side table', up: ['CREATE TABLE side (id int)'] },
      { message: 'add column', up: ['ALTER TABLE busy ADD COLUMN note text'] },
    ]);
    const retries: Retry[] = [];
    const migrator = await Migrator.connect({
      databaseUrl: db.url,
      sources: [{ lineage: 'app', dir }],
      revisionLocks: { lockTimeoutMs: 100, lockRetries: 5 },
      onEvent: (event) => {
        if (event.type !== 'lock-retry') return;
        retries.push(event);
        if (retries.length === 2) void holder.query('COMMIT');
      },
    });
    try {
      const result = await migrator.upgrade();
      expect(result.revisions.map((r) => r.id)).toEqual([first!.id, blocked!.id]);
    } finally {
      await migrator.close();
    }
    expect(retries.map((r) => r.retry)).toEqual([
      { revision: blocked!.id, attempt: 1, of: 5, delayMs: 250, lockTimeoutMs: 100 },
      { revision: blocked!.id, attempt: 2, of: 5, delayMs: 500, lockTimeoutMs: 100 },
    ]);
    expect(await ledgerIds(db.url)).toEqual([first!.id, blocked!.id].sort());
    expect(
      await queryDatabase(
        db.url,
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'busy' ORDER BY 1`,
      ),
    ).toEqual([{ column_name: 'id' }, { column_name: 'note' }]);
  });

  it('raises REVISION_LOCK_TIMEOUT after the last retry, with nothing of the revision left', async () => {
    const [blocked] = writeChain(dir, 'app', [
      {
        message: 'add column',
        up: ['CREATE TABLE made_first (id int)', 'ALTER TABLE busy ADD COLUMN note text'],
      },
    ]);
    const retries: Retry[] = [];
    const migrator = await Migrator.connect({
      databaseUrl: db.url,
      sources: [{ lineage: 'app', dir }],
      revisionLocks: { lockTimeoutMs: 50, lockRetries: 1 },
      onEvent: (event) => event.type === 'lock-retry' && retries.push(event),
    });
    try {
      const error = (await migrator.upgrade().catch((e: unknown) => e)) as { code: string; message: string };
      expect(error).toMatchObject({
        code: 'REVISION_LOCK_TIMEOUT',
        details: { revision: blocked!.id, attempts: 2 },
      });
      expect(error.message).toContain(`Revision ${blocked!.id}`);
      expect(error.message).toContain('lock_timeout of 50 ms');
    } finally {
      await migrator.close();
    }
    expect(retries).toHaveLength(1);
    expect(await ledgerIds(db.url)).toEqual([]);
    expect(await queryDatabase(db.url, `SELECT to_regclass('made_first') AS t`)).toEqual([{ t: null }]);
  });

  it("uses a revision header's own lock_timeout and statement_timeout over the app's", async () => {
    const [revision] = writeChain(dir, 'app', [
      {
        message: 'report limits',
        up: [
          `CREATE TABLE limits AS SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS statement_timeout`,
        ],
      },
    ]);
    const text = readFileSync(revision!.file, 'utf8').replace(
      'transactional: true,',
      'transactional: true,\n  lockTimeoutMs: 1234,\n  statementTimeoutMs: 56789,',
    );
    writeFileSync(revision!.file, text);
    await rehashFolder(dir, 'app');
    await holder.query('COMMIT');
    const migrator = await Migrator.connect({
      databaseUrl: db.url,
      sources: [{ lineage: 'app', dir }],
      revisionLocks: { lockTimeoutMs: 100 },
    });
    try {
      await migrator.upgrade();
    } finally {
      await migrator.close();
    }
    expect(await queryDatabase(db.url, 'SELECT * FROM limits')).toEqual([
      { lock_timeout: '1234ms', statement_timeout: '56789ms' },
    ]);
  });
});
