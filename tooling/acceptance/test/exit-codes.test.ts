/**
 * The exit-code contract, one story per database mode: each step builds on the last, and each
 * refusal exits with its documented code, one `Error CODE:` line and the database as it was.
 * On the embedded default the suite holds a lease on the app's server (harness/embedded-session),
 * so the story's commands share one server start and the test reads the database as on a URL; it
 * gives the lease back at the end and the last command must then stop the server.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, dazzle, errorLines, newApp, writeFiles } from './harness/app';
import { runningPostmaster, waitFor } from './harness/embedded';
import { type EmbeddedSession, holdEmbeddedServer } from './harness/embedded-session';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { fillEmptyRevision, removeRevision, revisionFile, revisionFiles } from './harness/revisions';

function expectFailure(result: CliResult, code: string, exitCode = 1): void {
  const context = `${result.stdout}\n${result.stderr}`;
  expect(result.code, context).toBe(exitCode);
  expect(result.stdout, context).toBe('');
  const lines = errorLines(result.stderr);
  expect(lines.at(-1), context).toMatch(new RegExp(`^Error (${code}): `));
  expect(result.stderr, context).not.toMatch(/\n\s+at /);
}

const PROVIDERS = ['embedded default', 'DATABASE_URL'] as const;

describe.each(PROVIDERS)(
  'the exit-code contract on the %s (one story: each step builds on the last)',
  (provider) => {
    let db: TestDatabase | undefined;
    let embedded: EmbeddedSession | undefined;
    let app: string;
    let env: NodeJS.ProcessEnv;
    const run = (...args: string[]) => dazzle(app, args, env);
    /** The app's database, whichever mode: the URL's, or the embedded server's `dazzle`. */
    const query = (sql: string) => (db ? queryDatabase(db.url, sql) : embedded!.query(sql));

    beforeAll(async () => {
      app = newApp(provider === 'DATABASE_URL' ? 'exit-url' : 'exit-embedded');
      if (provider === 'DATABASE_URL') db = await createTestDatabase('acceptance_exit');
      else embedded = holdEmbeddedServer(app);
      env = db ? { DATABASE_URL: db.url } : {};
      writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    });
    afterAll(async () => {
      await db?.drop();
      await embedded?.stop();
    });

    it('generates the first revision (exit 0) and check then fails on it as pending (exit 1)', async () => {
      const revision = await run('db', 'revision', '-m', 'create item');
      expect(revision.code, revision.stderr).toBe(0);
      expect(revision.stdout).toMatch(/Wrote .*_create_item\.ts/);
      expectFailure(await run('db', 'check'), 'NOT_AT_HEADS');
    });

    it('refuses an unknown target with UNKNOWN_TARGET and exit 1, changing nothing', async () => {
      expectFailure(await run('db', 'upgrade', 'bogus-target'), 'UNKNOWN_TARGET');
      const current = await run('db', 'current', '--json');
      expect(current.code, current.stderr).toBe(0);
      expect(JSON.stringify(JSON.parse(current.stdout))).toContain('create_item');
    });

    it('treats a malformed flag as a usage error: exit 2', async () => {
      const result = await run('db', 'upgrade', '--lock-timeout', 'abc');
      expect(result.code, result.stderr).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/lock-timeout/);
    });

    it('upgrades (exit 0) and check passes (exit 0)', async () => {
      const upgrade = await run('db', 'upgrade');
      expect(upgrade.code, upgrade.stderr).toBe(0);
      expect(upgrade.stdout).toMatch(/Applied \d+ revisions?/);
      const check = await run('db', 'check');
      expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
      expect(await query('SELECT count(*)::int AS n FROM item')).toEqual([{ n: 0 }]);
    });

    it('rolls a failing revision back whole: MIGRATION_FAILED, exit 1, its first statement undone', async () => {
      const written = await run('db', 'revision', '--empty', '-m', 'broken');
      expect(written.code, written.stderr).toBe(0);
      const file = revisionFile(app, 'broken');
      fillEmptyRevision(
        file,
        ['CREATE TABLE "half_done" ("id" integer)', 'INSERT INTO "no_such_table" VALUES (1)'],
        ['DROP TABLE "half_done"'],
      );
      expect((await run('db', 'rehash')).code).toBe(0);
      expectFailure(await run('db', 'upgrade'), 'MIGRATION_FAILED');
      expect(await query("SELECT to_regclass('public.half_done') AS t")).toEqual([{ t: null }]);
      // check replays the pending revision on its shadow to compare schemas: it fails the same way.
      expectFailure(await run('db', 'check'), 'MIGRATION_FAILED');
      removeRevision(file);
      expect((await run('db', 'rehash')).code).toBe(0);
      expect((await run('db', 'check')).code).toBe(0);
    });

    it('refuses a destructive change without --allow-destructive: DESTRUCTIVE_CHANGE, exit 1, no file written', async () => {
      writeFiles(app, { 'src/item.ts': itemEntity('') });
      const before = revisionFiles(app);
      expectFailure(await run('db', 'revision', '-m', 'drop code'), 'DESTRUCTIVE_CHANGE');
      expect(revisionFiles(app)).toEqual(before);
    });

    it('writes a fallible type change with a hand-fill step, and upgrade refuses it: REVISION_NEEDS_HAND_FILL, exit 1', async () => {
      writeFiles(app, {
        'src/item.ts': itemEntity("@Column({ type: 'integer', nullable: true })\n  code: number | null;"),
      });
      const revision = await run('db', 'revision', '-m', 'code to integer');
      expect(revision.code, revision.stderr).toBe(0);
      expect(readFileSync(revisionFile(app, 'code_to_integer'), 'utf8')).toContain('dazzle:hand-fill');
      expectFailure(await run('db', 'upgrade'), 'REVISION_NEEDS_HAND_FILL');
      // Offline SQL refuses the unfilled step as the online upgrade does.
      const offline = await run('db', 'upgrade', '--sql');
      expectFailure(offline, 'REVISION_NEEDS_HAND_FILL');
      expect(offline.stdout).not.toContain('UPDATE');
      removeRevision(revisionFile(app, 'code_to_integer'));
      expect((await run('db', 'rehash')).code).toBe(0);
      writeFiles(app, { 'src/item.ts': itemEntity() });
    });

    it('refuses an applied revision whose file changed: CHECKSUM_MISMATCH from upgrade and check alike', async () => {
      const file = revisionFile(app, 'create_item');
      writeFileSync(file, `${readFileSync(file, 'utf8')}// edited after it was applied\n`);
      expect((await run('db', 'rehash')).code).toBe(0);
      expectFailure(await run('db', 'upgrade'), 'CHECKSUM_MISMATCH');
      expectFailure(await run('db', 'check'), 'CHECKSUM_MISMATCH');
      const accepted = await run(
        'db',
        'upgrade',
        '--accept-checksum',
        revisionFiles(app)[0]!.replace(/\.ts$/, ''),
      );
      expect(accepted.code, accepted.stderr).toBe(0);
      expect((await run('db', 'check')).code).toBe(0);
    });

    it.skipIf(provider === 'DATABASE_URL')(
      'leaves no embedded server running after the last command',
      async () => {
        expect(runningPostmaster(app), 'the story ran on one embedded server').toBeDefined();
        embedded!.release();
        const current = await run('db', 'current');
        expect(current.code, current.stderr).toBe(0);
        await waitFor(() => runningPostmaster(app) === undefined);
        const pid = join(app, '.dazzle', 'postgres', 'postmaster.pid');
        expect(() => readFileSync(pid)).toThrow();
      },
    );
  },
);
