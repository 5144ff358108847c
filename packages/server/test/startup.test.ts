import { readFileSync } from 'node:fs';
import { writeRevision } from '@app/autogenerate';
import { describeSql, type LoadedConfig, loadSqlParser, Migrator, readRevisionGraph } from '@app/migrator';
import { createTestDatabase, findFreePort, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from '../src';
import { createServerApp, serveProcess } from './helpers/server-app';
import { recordStatements } from './helpers/statement-recorder';

async function query<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

const DDL = /^\s*(CREATE|ALTER|DROP|TRUNCATE|COMMENT)\b/i;

describe('dazzle serve startup', () => {
  let db: TestDatabase;
  let config: LoadedConfig;

  beforeEach(async () => {
    db = await createTestDatabase('startup');
    config = await createServerApp(db.url);
  });
  afterEach(() => db.drop());

  it('on an empty database: replays every revision, records the deploy, then becomes ready', async () => {
    const server = await startServer({ config, databaseUrl: db.url, port: 0 });
    try {
      expect(server.migration).toMatchObject({ method: 'replay', noop: false });
      expect(server.migration!.revisions.map((r) => r.lineage)).toEqual(['framework', 'app']);
      expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready' });
      expect(await query(db.url, `SELECT version, previous_version, status FROM deploy_history`)).toEqual([
        { version: '1.0.0', previous_version: null, status: 'completed' },
      ]);
      const runs = await server.stores['process-runs'].list();
      expect(runs[0]).toMatchObject({ processName: 'startup-migration', status: 'completed' });
    } finally {
      await server.close();
    }
  });

  it('on an empty database with emptyDatabase: create-all, creates the tables and stamps the heads', async () => {
    const createAll = await createServerApp(db.url, { emptyDatabase: 'create-all' });
    const server = await startServer({ config: createAll, databaseUrl: db.url, port: 0 });
    try {
      expect(server.migration).toMatchObject({ method: 'create-all' });
      const methods = await query<{ method: string }>(
        db.url,
        `SELECT DISTINCT method FROM _dazzle_migrations`,
      );
      expect(methods).toEqual([{ method: 'create-all' }]);
    } finally {
      await server.close();
    }
  });

  it('on a database that is behind, sends no DDL but the pending revisions and the bootstrap', async () => {
    const migrator = await Migrator.connect({ databaseUrl: db.url, sources: config.sources });
    await migrator.upgrade({ target: 'framework@head' });
    await migrator.close();
    const appRevision = readRevisionGraph(config.sources).lineageRevisions('app')[0]!;
    const revisionSql = readFileSync(appRevision.file, 'utf8');

    const recorder = await recordStatements(db.url);
    const server = await startServer({ config, databaseUrl: recorder.url, port: 0 });
    await server.close();
    await recorder.close();

    // A message may carry several statements (the bootstrap is one transaction): split with the parser.
    await loadSqlParser();
    const ddl = recorder.statements
      .flatMap((message) => describeSql(message).map((f) => f.sql))
      .filter((s) => DDL.test(s));
    expect(ddl.length).toBeGreaterThan(0);
    for (const statement of ddl) {
      const fromRevision = revisionSql.includes(statement);
      const bootstrap =
        /^CREATE TABLE IF NOT EXISTS "(_dazzle_migrations|_dazzle_migration_lease|_dazzle_params|_dazzle_revision_progress|typeorm_metadata)"/.test(
          statement,
        );
      expect(fromRevision || bootstrap, `unexpected DDL at startup: ${statement}`).toBe(true);
    }
    expect(ddl.some((s) => s.startsWith('CREATE TABLE "widget"'))).toBe(true);
  });

  it('on a database at heads, sends no DDL at all', async () => {
    const first = await startServer({ config, databaseUrl: db.url, port: 0 });
    await first.close();
    const recorder = await recordStatements(db.url);
    const server = await startServer({ config, databaseUrl: recorder.url, port: 0 });
    expect(server.migration).toMatchObject({ noop: true });
    await server.close();
    await recorder.close();
    await loadSqlParser();
    expect(
      recorder.statements
        .flatMap((message) => describeSql(message).map((f) => f.sql))
        .filter((s) => DDL.test(s)),
    ).toEqual([]);
    expect(await query(db.url, `SELECT count(*)::int AS n FROM deploy_history`)).toEqual([{ n: 1 }]);
  });

  it('refuses to start, before listening, when a revision fails', async () => {
    const head = readRevisionGraph(config.sources).heads('app');
    writeRevision({
      dir: config.appMigrationsDir,
      lineage: 'app',
      message: 'broken',
      parents: head,
      up: [{ sql: 'ALTER TABLE nowhere ADD COLUMN x int' }],
      down: [],
    });
    const { exited } = serveProcess(config.file, db.url);
    const { code, output } = await exited;
    expect(code).toBe(1);
    expect(output).toMatch(/^MIGRATION_FAILED: Revision \d{14}_broken .*relation "nowhere" does not exist/m);
    expect(output).not.toContain('LISTENING');
    expect(await query(db.url, `SELECT count(*)::int AS n FROM _dazzle_migrations`)).toEqual([{ n: 2 }]);
  });

  it('refuses to start with two heads', async () => {
    const [base] = readRevisionGraph(config.sources).heads('app');
    for (const message of ['left branch', 'right branch']) {
      writeRevision({
        dir: config.appMigrationsDir,
        lineage: 'app',
        message,
        parents: [base!],
        up: [{ sql: 'SELECT 1' }],
        down: [],
        now: new Date(Date.now() + (message === 'left branch' ? 1000 : 2000)),
      });
    }
    const { code, output } = await serveProcess(config.file, db.url).exited;
    expect(code).toBe(1);
    expect(output).toMatch(/^MULTIPLE_HEADS: The app lineage has 2 heads/m);
  });

  it('refuses to start when an applied revision changed, or the database is ahead of the code', async () => {
    const server = await startServer({ config, databaseUrl: db.url, port: 0 });
    await server.close();
    await query(db.url, `UPDATE _dazzle_migrations SET checksum = repeat('0', 64) WHERE lineage = 'app'`);
    const changed = await serveProcess(config.file, db.url).exited;
    expect(changed.code).toBe(1);
    expect(changed.output).toMatch(/^CHECKSUM_MISMATCH: /m);

    await query(
      db.url,
      `INSERT INTO _dazzle_migrations (id, lineage, message, checksum, applied_by) VALUES ('29990101000000_from_the_future', 'app', 'x', repeat('0', 64), 'test')`,
    );
    await query(
      db.url,
      `UPDATE _dazzle_migrations SET checksum = '${readRevisionGraph(config.sources).lineageRevisions('app')[0]!.checksum}' WHERE lineage = 'app' AND id <> '29990101000000_from_the_future'`,
    );
    const ahead = await serveProcess(config.file, db.url).exited;
    expect(ahead.code).toBe(1);
    expect(ahead.output).toMatch(/^DATABASE_AHEAD: .*29990101000000_from_the_future/m);
  });

  it('with --no-migrate, refuses a database that is behind and names what is pending', async () => {
    const behind = await serveProcess(config.file, db.url, ['--no-migrate']).exited;
    expect(behind.code).toBe(1);
    expect(behind.output).toMatch(
      /^NOT_AT_HEADS: .*pending: \d{14}_framework_baseline.*, \d{14}_widgets_and_makers/m,
    );
    expect(await query(db.url, `SELECT to_regclass('widget') AS t`)).toEqual([{ t: null }]);

    const migrator = await Migrator.connect({ databaseUrl: db.url, sources: config.sources });
    await migrator.upgrade();
    await migrator.close();
    const current = serveProcess(config.file, db.url, ['--no-migrate']);
    const url = await current.ready;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    current.child.kill('SIGTERM');
    expect((await current.exited).code).toBe(0);
  });

  it('4 replicas started at once all become ready, and each revision is applied once', async () => {
    const replicas = Array.from({ length: 4 }, () => serveProcess(config.file, db.url));
    const urls = await Promise.all(replicas.map((r) => r.ready));
    for (const url of urls) expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(
      await query(db.url, `SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM _dazzle_migrations`),
    ).toEqual([{ n: 2, d: 2 }]);
    expect(await query(db.url, `SELECT count(*)::int AS n FROM deploy_history`)).toEqual([{ n: 1 }]);
    for (const replica of replicas) replica.child.kill('SIGTERM');
    for (const replica of replicas) expect((await replica.exited).code).toBe(0);
    // Four processes each load the config's TypeScript, migrate or wait, and compile every route's
    // schemas, on 2 shared cores: a bound for a hang, not a speed expectation.
  }, 180_000);

  it('waits, with backoff, for a database that is not up yet, and fails clearly once the bound is spent', async () => {
    const port = await findFreePort();
    const url = new URL(db.url);
    url.host = `127.0.0.1:${port}`;
    let proxy: Awaited<ReturnType<typeof recordStatements>> | undefined;
    const late = setTimeout(() => {
      void recordStatements(db.url, port).then((p) => {
        proxy = p;
      });
    }, 1_500);
    // Each startup step, stamped with whether the database was reachable when it was reported.
    const steps: string[] = [];
    const server = await startServer({
      config,
      databaseUrl: url.toString(),
      port: 0,
      connectRetryMs: 20_000,
      log: (line) => steps.push(`${proxy ? 'database up' : 'database down'}: ${line.split(' ')[0]}`),
    });
    try {
      // The wait itself is shown while the database is down: one progress line per 5 s of waiting.
      const waiting = steps.filter((step) => step.endsWith(': Waiting'));
      expect(waiting.length).toBeGreaterThan(0);
      expect(new Set(waiting)).toEqual(new Set(['database down: Waiting']));
      expect(steps.filter((step) => !step.endsWith(': Waiting'))).toEqual([
        'database down: Starting',
        'database up: Applying',
        'database up: Applying',
        'database up: Applied',
        'database up: Listening',
      ]);
      expect(proxy!.statements.some((sql) => sql.includes('_dazzle_migrations'))).toBe(true);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      clearTimeout(late);
      await server.close();
      await proxy?.close();
    }
    const unused = new URL(db.url);
    unused.host = `127.0.0.1:${await findFreePort()}`;
    await expect(
      startServer({ config, databaseUrl: unused.toString(), port: 0, connectRetryMs: 1_000 }),
    ).rejects.toMatchObject({
      code: 'DATABASE_UNREACHABLE',
      message: expect.stringMatching(
        /Could not connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/.* after retrying for 1 s/,
      ),
    });
  });
});
