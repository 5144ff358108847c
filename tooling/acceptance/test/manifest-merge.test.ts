/**
 * Two branches that each add a revision, merged by a real `git merge`: the manifest keeps one entry
 * file per revision, so the merge has no conflict, and the only thing left to do is what Alembic
 * asks too: a merge revision joining the two heads. A revision changed after it was applied still
 * fails loudly after a merge.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, writeFiles } from './harness/app';
import { expectRefusal } from './harness/failures';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { fillEmptyRevision, revisionFile } from './harness/revisions';

describe('git merge of two branches that each add a revision', () => {
  let db: TestDatabase;
  let app: string;
  const run = (...args: string[]) => dazzle(app, args, { DATABASE_URL: db.url });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', ...args], {
      cwd: app,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const tables = async () =>
    (
      await queryDatabase<{ t: string }>(
        db.url,
        `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('left_side', 'right_side')`,
      )
    )
      .map((r) => r.t)
      .sort();
  /** On a new branch from main: an --empty revision creating `table`, committed. */
  const branchWithRevision = async (branch: string, table: string) => {
    git('checkout', '-q', '-b', branch, 'main');
    const written = await run('db', 'revision', '--empty', '-m', `create ${table}`);
    expect(written.code, written.stderr).toBe(0);
    fillEmptyRevision(
      revisionFile(app, `create_${table}`),
      [`CREATE TABLE ${table} (id int)`],
      [`DROP TABLE ${table}`],
    );
    expect((await run('db', 'rehash')).code).toBe(0);
    git('add', 'migrations');
    git('commit', '-q', '-m', `create ${table}`);
  };

  beforeAll(async () => {
    app = newApp('merge');
    db = await createTestDatabase('acc_merge');
    writeFiles(app, {
      'dazzle.config.ts': ITEM_CONFIG,
      'src/item.ts': itemEntity(),
      '.gitignore': 'node_modules\n.dazzle\n',
    });
    expect((await run('db', 'revision', '-m', 'create item')).code).toBe(0);
    expect((await run('db', 'upgrade')).code).toBe(0);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'start');
  });
  afterAll(() => db?.drop());

  it('merges without a conflict; after `db merge`, upgrade applies both sides', async () => {
    await branchWithRevision('left', 'left_side');
    await branchWithRevision('right', 'right_side');
    git('checkout', '-q', 'main');
    git('merge', '-q', '--no-edit', 'left');
    git('merge', '-q', '--no-edit', 'right'); // throws on a conflict
    expect(git('status', '--porcelain')).toBe('');

    // Two heads, as in Alembic: refused with the advice to merge them, nothing applied.
    expect(expectRefusal(await run('db', 'upgrade'), 'MULTIPLE_HEADS')).toContain('dazzle db merge');
    expect(await tables()).toEqual([]);
    const merged = await run('db', 'merge', '-m', 'merge heads');
    expect(merged.code, merged.stderr).toBe(0);
    const upgrade = await run('db', 'upgrade');
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toMatch(/Applied 3 revisions/);
    expect(await tables()).toEqual(['left_side', 'right_side']);
    git('add', 'migrations');
    git('commit', '-q', '-m', 'merge heads');
  });

  it('still refuses an applied revision that a branch changed, after a clean merge', async () => {
    git('checkout', '-q', '-b', 'rewrite', 'main');
    const file = revisionFile(app, 'create_left_side');
    writeFileSync(file, readFileSync(file, 'utf8').replace('(id int)', '(id bigint)'));
    expect((await run('db', 'rehash')).code).toBe(0);
    git('commit', '-q', '-am', 'rewrite an applied revision');
    git('checkout', '-q', 'main');
    git('merge', '-q', '--no-edit', 'rewrite');
    expect(expectRefusal(await run('db', 'upgrade'), 'CHECKSUM_MISMATCH')).toContain('create_left_side');
  });
});
