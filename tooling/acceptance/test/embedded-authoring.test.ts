/**
 * The authoring promises on the embedded default (no DATABASE_URL: PostgreSQL under the app's
 * `.dazzle/`), in one app and one server start: entities in three files importing each other in a
 * cycle load with implicit column types; `upgrade --sql --from-base` renders a script psql applies,
 * after which check passes; two git branches that each add a revision merge without a conflict and
 * `db merge` joins them; an applied revision a branch changed is refused alike by upgrade, check and
 * serve --no-migrate; the shadow `revision` keeps lives on the embedded server and `db shadow prune`
 * drops it. The same promises on a URL: relations, offline-sql, manifest-merge, in-step and
 * kept-shadows (*.test.ts).
 *
 * Not here, because the embedded default cannot have it: a role without CREATEDB and a separate
 * shadow server (kept-shadows.test.ts): dazzle owns the embedded server and connects as its
 * superuser, so the shadow is always made beside the app's database.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, newApp, startServe, writeFiles } from './harness/app';
import { CUSTOMER, LINE_ITEM, ORDER } from './harness/cycle-entities';
import { runningPostmaster, waitFor } from './harness/embedded';
import { type EmbeddedSession, holdEmbeddedServer } from './harness/embedded-session';
import { expectRefusal, expectSuccess } from './harness/failures';
import { fillEmptyRevision, revisionFile } from './harness/revisions';

const HAS_PSQL = spawnSync('psql', ['--version']).status === 0;

const CONFIG = `import { defineConfig } from '@app/cli';
import { LineItem } from './src/line-item';
import { Customer } from './src/customer';
import { Order } from './src/order';

export default defineConfig({ entities: [Customer, Order, LineItem] });
`;

// Several commands per step, each starting node and loading the app: room for a busy machine.
describe('authoring promises on the embedded default', { timeout: 300_000 }, () => {
  let app = '';
  let db: EmbeddedSession;
  const run = (...args: string[]) => dazzle(app, args);
  const ok = async (...args: string[]) => expectSuccess(await run(...args), args);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', ...args], {
      cwd: app,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const keptShadows = async () =>
    (
      await db.queryServer<{ name: string }>(
        `SELECT datname AS name FROM pg_database WHERE datname LIKE 'dazzle\\_cache\\_%'`,
      )
    ).map((r) => r.name);
  const sides = async () =>
    (
      await db.query<{ t: string }>(
        `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('left_side', 'right_side') ORDER BY 1`,
      )
    ).map((r) => r.t);
  const ledgerIds = async () =>
    (
      await db.query<{ id: string }>(`SELECT id FROM "_dazzle_migrations" WHERE lineage = 'app' ORDER BY id`)
    ).map((r) => r.id);
  /** On a new branch from main: an --empty revision creating `table`, committed. */
  const branchWithRevision = async (branch: string, table: string) => {
    git('checkout', '-q', '-b', branch, 'main');
    await ok('db', 'revision', '--empty', '-m', `create ${table}`);
    fillEmptyRevision(
      revisionFile(app, `create_${table}`),
      [`CREATE TABLE ${table} (id int)`],
      [`DROP TABLE ${table}`],
    );
    await ok('db', 'rehash');
    git('add', 'migrations');
    git('commit', '-q', '-m', `create ${table}`);
  };

  beforeAll(async () => {
    app = newApp('embedded-authoring');
    db = holdEmbeddedServer(app);
    writeFiles(app, {
      'dazzle.config.ts': CONFIG,
      'src/customer.ts': CUSTOMER,
      'src/order.ts': ORDER,
      'src/line-item.ts': LINE_ITEM,
      '.gitignore': 'node_modules\n.dazzle\n',
    });
    const written = await ok('db', 'revision', '-m', 'init');
    expect(written.stderr).toMatch(/Started the embedded PostgreSQL on 127\.0\.0\.1:\d+/);
  });
  afterAll(() => db?.stop());

  it('renders a script from base that psql applies: the cycle of entities becomes tables and foreign keys, and check passes', async () => {
    const first = await ok('db', 'upgrade', '--sql', '--from-base');
    expect(first.stdout).toContain('CREATE TABLE "line_item"');
    const script = `${app}/upgrade.sql`;
    writeFileSync(script, first.stdout);
    if (HAS_PSQL)
      execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url(), '-f', script], {
        encoding: 'utf8',
      });
    else await db.query(first.stdout);

    const types = await db.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name IN ('customer', 'order', 'line_item')
         AND column_name IN ('placedAt', 'quantity', 'name') ORDER BY 1, 2`,
    );
    expect(types).toEqual([
      { table_name: 'customer', column_name: 'name', data_type: 'character varying' },
      { table_name: 'line_item', column_name: 'quantity', data_type: 'integer' },
      { table_name: 'order', column_name: 'placedAt', data_type: 'timestamp without time zone' },
    ]);
    const keys = await db.query<{ source: string; target: string }>(
      `SELECT conrelid::regclass::text AS source, confrelid::regclass::text AS target
       FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1, 2`,
    );
    expect(keys).toEqual([
      { source: '"order"', target: 'customer' },
      { source: 'customer', target: 'line_item' },
      { source: 'line_item', target: '"order"' },
    ]);
    const check = await run('db', 'check');
    expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
    const upgrade = await ok('db', 'upgrade');
    expect(upgrade.stdout).toMatch(/Nothing to do/);
  });

  it('merges two branches that each add a revision without a conflict; after `db merge`, upgrade applies both sides', async () => {
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'start');
    await branchWithRevision('left', 'left_side');
    await branchWithRevision('right', 'right_side');
    git('checkout', '-q', 'main');
    git('merge', '-q', '--no-edit', 'left');
    git('merge', '-q', '--no-edit', 'right'); // throws on a conflict
    expect(git('status', '--porcelain')).toBe('');

    expect(expectRefusal(await run('db', 'upgrade'), 'MULTIPLE_HEADS')).toContain('dazzle db merge');
    expect(await sides()).toEqual([]);
    await ok('db', 'merge', '-m', 'merge heads');
    const upgrade = await ok('db', 'upgrade');
    expect(upgrade.stdout).toMatch(/Applied 3 revisions/);
    expect(await sides()).toEqual(['left_side', 'right_side']);
    expect(await ledgerIds()).toHaveLength(4);
    git('add', 'migrations');
    git('commit', '-q', '-m', 'merge heads');
  });

  it('refuses an applied revision a branch changed, after a clean merge: upgrade, check and serve --no-migrate alike', async () => {
    const before = await ledgerIds();
    git('checkout', '-q', '-b', 'rewrite', 'main');
    const file = revisionFile(app, 'create_left_side');
    writeFileSync(file, readFileSync(file, 'utf8').replace('(id int)', '(id bigint)'));
    await ok('db', 'rehash');
    git('commit', '-q', '-am', 'rewrite an applied revision');
    git('checkout', '-q', 'main');
    git('merge', '-q', '--no-edit', 'rewrite');
    expect(expectRefusal(await run('db', 'upgrade'), 'CHECKSUM_MISMATCH')).toContain('create_left_side');
    const check = await run('db', 'check');
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/^Error CHECKSUM_MISMATCH: .*create_left_side/m);
    await expect(startServe(app, ['--no-migrate'])).rejects.toThrow(/Error CHECKSUM_MISMATCH: /);
    expect(await ledgerIds()).toEqual(before);
    expect(
      await db.query(
        `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'left_side'::regclass AND attname = 'id'`,
      ),
    ).toEqual([{ type: 'integer' }]);
  });

  it("keeps revision's shadow on the embedded server, and db shadow prune drops it and says which", async () => {
    const before = await keptShadows();
    expect(before.length).toBeGreaterThan(0);
    const pruned = await ok('db', 'shadow', 'prune', '--json');
    const { dropped } = JSON.parse(pruned.stdout) as { dropped: string[] };
    expect([...dropped].sort()).toEqual([...before].sort());
    expect(await keptShadows()).toEqual([]);
  });

  it('stops the embedded server when the last command ends', async () => {
    db.release();
    // current reads the ledger (heads would not start the server): the changed revision is named.
    const current = await run('db', 'current', '--json');
    expect(`${current.stdout}${current.stderr}`).toMatch(/CHECKSUM_MISMATCH/);
    await waitFor(() => runningPostmaster(app) === undefined);
  });
});
