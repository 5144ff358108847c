/**
 * Every documented error code, produced through the installed binary by something a person does:
 * a manifest edited by hand, two branches' revisions, a held lock, a typo in a URL. Each refusal is
 * one `Error CODE:` line with the documented exit code, and leaves the database as it was.
 * (exit-codes.test.ts covers the codes of the everyday story; this file covers the rest.)
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { basename, join } from 'node:path';
import { LEASE_NAME } from '@app/migrator';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dazzle, newApp, templateModules, writeFiles } from './harness/app';
import { expectRefusal, snapshotFolder } from './harness/failures';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';
import {
  fillEmptyRevision,
  manifestEntryFile,
  manifestText,
  revisionFile,
  revisionFiles,
} from './harness/revisions';

const idOf = (file: string) => basename(file).replace(/\.ts$/, '');

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(file, text.replace(from, to));
}

/** One app on its own database, with the Item entity created and applied. */
function appOnDatabase(label: string, entity = itemEntity()) {
  const ctx = { app: '', db: undefined as unknown as TestDatabase, env: {} as NodeJS.ProcessEnv };
  const run = (...args: string[]) => dazzle(ctx.app, args, ctx.env);
  const ledger = async () =>
    (await queryDatabase<{ id: string }>(ctx.db.url, 'SELECT id FROM "_dazzle_migrations"'))
      .map((r) => r.id)
      .sort();
  /** Writes an empty revision, as `db revision --empty` does, and returns its file. */
  const emptyRevision = async (message: string) => {
    const written = await run('db', 'revision', '--empty', '-m', message);
    expect(written.code, written.stderr).toBe(0);
    return revisionFile(ctx.app, message.replace(/ /g, '_'));
  };
  const rehash = async () => {
    const result = await run('db', 'rehash');
    expect(result.code, result.stderr).toBe(0);
  };
  beforeAll(async () => {
    ctx.app = newApp(label);
    ctx.db = await createTestDatabase(`acc_${label}`);
    ctx.env = { DATABASE_URL: ctx.db.url };
    writeFiles(ctx.app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': entity });
    const revision = await run('db', 'revision', '-m', 'create item');
    expect(revision.code, revision.stderr).toBe(0);
    const upgrade = await run('db', 'upgrade');
    expect(upgrade.code, upgrade.stderr).toBe(0);
  });
  afterAll(() => ctx.db?.drop());
  return { ctx, run, ledger, emptyRevision, rehash };
}

describe('revision folders a person edited by hand', () => {
  const { ctx, run, ledger, emptyRevision, rehash } = appOnDatabase('folders');
  let restore: () => void;
  let applied: string[];
  beforeAll(async () => {
    applied = await ledger();
  });
  beforeEach(() => {
    restore = snapshotFolder(ctx.app, 'migrations');
  });
  afterEach(async () => {
    restore();
    expect(await ledger()).toEqual(applied);
  });
  const manifest = () => manifestText(ctx.app);

  it('MANIFEST_INVALID: a merge conflict left in a manifest entry; rehash rebuilds it from the files', async () => {
    const entry = manifestEntryFile(revisionFile(ctx.app, 'create_item'));
    const text = readFileSync(entry, 'utf8');
    writeFileSync(entry, `<<<<<<< HEAD\n${text}=======\n${text}>>>>>>> feature\n`);
    expect(expectRefusal(await run('db', 'upgrade'), 'MANIFEST_INVALID')).toContain(basename(entry));
    await rehash();
    expect(readFileSync(entry, 'utf8')).toBe(text);
    expect((await run('db', 'upgrade')).code).toBe(0);
  });

  it('MANIFEST_MISMATCH: an entry edited to say a revision is not transactional; nothing runs', async () => {
    const file = await emptyRevision('seed codes');
    fillEmptyRevision(file, ['CREATE TABLE seeded (id int)'], ['DROP TABLE seeded']);
    await rehash();
    const entry = manifestEntryFile(file);
    const parsed = JSON.parse(readFileSync(entry, 'utf8')) as Record<string, unknown>;
    writeFileSync(entry, JSON.stringify({ ...parsed, transactional: false }, null, 2));
    const message = expectRefusal(await run('db', 'upgrade'), 'MANIFEST_MISMATCH');
    expect(message).toContain('transactional: the manifest says false, the file says true');
    expect(await queryDatabase(ctx.db.url, `SELECT 1 FROM pg_class WHERE relname = 'seeded'`)).toEqual([]);
  });

  it('REVISION_LOAD_FAILED: a hand-written revision imports a file that does not exist; rehash writes nothing', async () => {
    const file = await emptyRevision('backfill codes');
    edit(
      file,
      "import type { QueryRunner } from 'typeorm';",
      "import type { QueryRunner } from 'typeorm';\nimport { codes } from './codes-list';\nvoid codes;",
    );
    const before = manifest();
    expect(expectRefusal(await run('db', 'rehash'), 'REVISION_LOAD_FAILED')).toContain(idOf(file));
    expect(manifest()).toBe(before);
  });

  it('REVISION_INVALID: a revision without a `down` export', async () => {
    const file = await emptyRevision('one way');
    edit(file, 'export async function down(', 'export async function revert(');
    expect(expectRefusal(await run('db', 'rehash'), 'REVISION_INVALID')).toContain(basename(file));
  });

  it('DUPLICATE_REVISION_ID: a revision copied to start a new one, its id left as it was', async () => {
    const original = revisionFile(ctx.app, 'create_item');
    copyFileSync(original, join(ctx.app, 'migrations', '20991231235959_create_item_again.ts'));
    await rehash();
    expect(expectRefusal(await run('db', 'upgrade'), 'DUPLICATE_REVISION_ID')).toContain(idOf(original));
  });

  it('UNKNOWN_PARENT: a revision whose parent was lost with another branch', async () => {
    const file = await emptyRevision('after the lost one');
    edit(
      file,
      `parents: ['${idOf(revisionFile(ctx.app, 'create_item'))}']`,
      "parents: ['20260101000000_lost_with_a_branch']",
    );
    await rehash();
    expect(expectRefusal(await run('db', 'upgrade'), 'UNKNOWN_PARENT')).toContain(
      '20260101000000_lost_with_a_branch',
    );
  });

  it('UNKNOWN_DEPENDENCY: a revision depending on a framework revision the installed framework lacks', async () => {
    const file = await emptyRevision('needs a newer framework');
    edit(file, 'dependsOn: []', "dependsOn: ['20990101000000_framework_from_the_future']");
    await rehash();
    expect(expectRefusal(await run('db', 'upgrade'), 'UNKNOWN_DEPENDENCY')).toContain(
      '20990101000000_framework_from_the_future',
    );
  });

  it('REVISION_CYCLE: two revisions each naming the other as parent', async () => {
    const first = await emptyRevision('first of two');
    const second = await emptyRevision('second of two');
    edit(first, `parents: ['${idOf(revisionFile(ctx.app, 'create_item'))}']`, `parents: ['${idOf(second)}']`);
    await rehash();
    expect(expectRefusal(await run('db', 'upgrade'), 'REVISION_CYCLE')).toContain(idOf(first));
  });

  it('AMBIGUOUS_TARGET: an id prefix shared by two revisions', async () => {
    const created = idOf(revisionFile(ctx.app, 'create_item'));
    const next = idOf(await emptyRevision('tidy up'));
    let prefix = '';
    while (created[prefix.length] === next[prefix.length]) prefix += created[prefix.length];
    expect(prefix.length).toBeGreaterThan(3);
    expect(expectRefusal(await run('db', 'upgrade', prefix), 'AMBIGUOUS_TARGET')).toContain(next);
  });

  it('MESSAGE_INVALID: a message that is a path; no file written', async () => {
    const before = revisionFiles(ctx.app);
    expectRefusal(await run('db', 'revision', '--empty', '-m', '../x'), 'MESSAGE_INVALID');
    expectRefusal(await run('db', 'revision', '-m', '   '), 'MESSAGE_INVALID');
    expect(revisionFiles(ctx.app)).toEqual(before);
  });

  it('WRITE_INTO_NODE_MODULES: a framework revision from an installed app; node_modules untouched', async () => {
    const framework = join(templateModules(), '@app', 'entities-framework', 'migrations');
    const before = readdirSync(framework);
    const result = await run('db', 'revision', '--lineage', 'framework', '--empty', '-m', 'framework tweak');
    expect(expectRefusal(result, 'WRITE_INTO_NODE_MODULES')).toContain('node_modules');
    expect(readdirSync(framework)).toEqual(before);
  });

  it('MULTIPLE_HEADS from two branches that each added a revision, then NOTHING_TO_MERGE once merged', async () => {
    // Branch one adds a revision; branch two, not having it, adds another on the same parent.
    const colour = await emptyRevision('add colour');
    renameSync(colour, `${colour}.on-branch-one`);
    await rehash();
    await emptyRevision('add size');
    renameSync(`${colour}.on-branch-one`, colour);
    await rehash();
    expect(expectRefusal(await run('db', 'upgrade'), 'MULTIPLE_HEADS')).toContain('db merge');
    const before = revisionFiles(ctx.app);
    expectRefusal(await run('db', 'revision', '-m', 'add weight'), 'MULTIPLE_HEADS');
    expect(revisionFiles(ctx.app)).toEqual(before);
    const merged = await run('db', 'merge', '-m', 'merge heads');
    expect(merged.code, merged.stderr).toBe(0);
    const after = revisionFiles(ctx.app);
    expectRefusal(await run('db', 'merge', '-m', 'merge heads again'), 'NOTHING_TO_MERGE');
    expect(revisionFiles(ctx.app)).toEqual(after);
  });
});

const ITEM_WITH_JOB = `import { AIJob } from '@app/entities-framework';
import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

@Entity('item')
export class Item {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 50 })
  name: string;

  @ManyToOne(() => AIJob, { nullable: true })
  job: AIJob | null;
}
`;

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

describe('running revisions against a database (one story: each step leaves it at its heads)', () => {
  const { ctx, run, ledger, emptyRevision, rehash } = appOnDatabase('running', ITEM_WITH_JOB);
  let restore: () => void;
  let applied: string[];
  const hasColumn = async (column: string) =>
    (
      await queryDatabase(
        ctx.db.url,
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'item' AND column_name = $1",
        [column],
      )
    ).length === 1;
  beforeAll(async () => {
    applied = await ledger();
  });
  beforeEach(() => {
    restore = snapshotFolder(ctx.app, 'migrations');
  });
  afterEach(() => restore());

  /** A pending revision adding `flag` to item, written by hand with db.query(). */
  async function pendingFlag(): Promise<string> {
    const file = await emptyRevision('add flag');
    fillEmptyRevision(
      file,
      ['ALTER TABLE "item" ADD "flag" boolean'],
      ['ALTER TABLE "item" DROP COLUMN "flag"'],
    );
    await rehash();
    return file;
  }

  it('DOWNGRADE_BLOCKED: the framework lineage taken below an app revision that depends on it', async () => {
    expect(readFileSync(revisionFile(ctx.app, 'create_item'), 'utf8')).toMatch(
      /dependsOn: \['\d{14}_framework/,
    );
    expect(expectRefusal(await run('db', 'downgrade', 'framework@base'), 'DOWNGRADE_BLOCKED')).toContain(
      idOf(revisionFile(ctx.app, 'create_item')),
    );
    expect(await ledger()).toEqual(applied);
    expect(await queryDatabase(ctx.db.url, "SELECT to_regclass('ai_job') IS NOT NULL AS kept")).toEqual([
      { kept: true },
    ]);
  });

  it('MIGRATION_LOCK_TIMEOUT: another runner holds the lock; the message names it and nothing runs', async () => {
    const file = await pendingFlag();
    const holder = new pg.Client({ connectionString: ctx.db.url });
    await holder.connect();
    try {
      // Another runner's live lease, as it writes one.
      await holder.query(
        `UPDATE _dazzle_migration_lease SET holder = 'release-job', holder_pid = 4242, token = token + 1,
           expires_at = now() + interval '1 hour' WHERE name = $1`,
        [LEASE_NAME],
      );
      const line = expectRefusal(
        await run('db', 'upgrade', '--lock-timeout', '500'),
        'MIGRATION_LOCK_TIMEOUT',
      );
      expect(line).toContain('release-job (pid 4242)');
    } finally {
      await holder.query('UPDATE _dazzle_migration_lease SET holder = NULL WHERE name = $1', [LEASE_NAME]);
      await holder.end();
    }
    expect(await ledger()).toEqual(applied);
    expect(await hasColumn('flag')).toBe(false);
    expect(existsSync(file)).toBe(true);
  });

  it('NOT_AT_HEADS: serve --no-migrate and revision --against database with a pending revision', async () => {
    const file = await pendingFlag();
    const serve = await run('serve', '--no-migrate', '--port', '0');
    expect(expectRefusal(serve, 'NOT_AT_HEADS')).toContain(idOf(file));
    const before = revisionFiles(ctx.app);
    writeFiles(ctx.app, {
      'src/item.ts': ITEM_WITH_JOB.replace(
        'job: AIJob | null;',
        'job: AIJob | null;\n\n  @Column({ nullable: true })\n  note: string;',
      ),
    });
    try {
      const revision = await run('db', 'revision', '--against', 'database', '-m', 'add note');
      expect(expectRefusal(revision, 'NOT_AT_HEADS')).toContain(idOf(file));
    } finally {
      writeFiles(ctx.app, { 'src/item.ts': ITEM_WITH_JOB });
    }
    expect(revisionFiles(ctx.app)).toEqual(before);
    expect(await ledger()).toEqual(applied);
  });

  it('OFFLINE_UNSUPPORTED: --sql on a revision using a QueryRunner method other than query(); no half script', async () => {
    const file = await emptyRevision('rename by api');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('  // Nothing to do.\n', "  await db.renameColumn('item', 'name', 'title');\n")
        .replace('  // Nothing to do.\n', "  await db.renameColumn('item', 'title', 'name');\n"),
    );
    await rehash();
    expect(expectRefusal(await run('db', 'upgrade', '--sql'), 'OFFLINE_UNSUPPORTED')).toContain(
      'renameColumn',
    );
    expect(await ledger()).toEqual(applied);
  });

  it('SHADOW_CLONE_FAILED: revision --against database while another session is connected', async () => {
    const before = revisionFiles(ctx.app);
    writeFiles(ctx.app, {
      'src/item.ts': ITEM_WITH_JOB.replace(
        'job: AIJob | null;',
        'job: AIJob | null;\n\n  @Column({ nullable: true })\n  note: string;',
      ),
    });
    const session = new pg.Client({ connectionString: ctx.db.url, application_name: 'dazzle serve' });
    await session.connect();
    try {
      const revision = await run('db', 'revision', '--against', 'database', '-m', 'add note');
      expectRefusal(revision, 'SHADOW_CLONE_FAILED');
    } finally {
      await session.end();
      writeFiles(ctx.app, { 'src/item.ts': ITEM_WITH_JOB });
    }
    expect(revisionFiles(ctx.app)).toEqual(before);
  });

  it('DATABASE_AHEAD: the code rolled back behind an applied revision; upgrade and serve --no-migrate refuse', async () => {
    const file = await pendingFlag();
    const text = readFileSync(file, 'utf8');
    expect((await run('db', 'upgrade')).code).toBe(0);
    restore(); // the deploy is rolled back: the code no longer has "add flag"
    expect(expectRefusal(await run('db', 'upgrade'), 'DATABASE_AHEAD')).toContain(idOf(file));
    // One status answers for every verb: serve --no-migrate names the same problem upgrade does.
    expect(expectRefusal(await run('serve', '--no-migrate', '--port', '0'), 'DATABASE_AHEAD')).toContain(
      'ahead of the code',
    );
    expect(await ledger()).toEqual([...applied, idOf(file)].sort());
    expect(await hasColumn('flag')).toBe(true);
    // Back to the heads for the next step: the newer code downgrades its own revision.
    writeFileSync(file, text);
    await rehash();
    expect((await run('db', 'downgrade', '-1')).code).toBe(0);
    expect(await ledger()).toEqual(applied);
  });

  it('SERVER_PORT_IN_USE: serve on a port another process listens on, before migrating', async () => {
    const taken = await listen();
    try {
      const port = String((taken.address() as { port: number }).port);
      expect(expectRefusal(await run('serve', '--port', port), 'SERVER_PORT_IN_USE')).toContain(port);
    } finally {
      taken.close();
    }
    expect(await ledger()).toEqual(applied);
  });

  it('SERVER_START_FAILED: serve on a host that is not an address of this machine', async () => {
    // 192.0.2.0/24 is reserved for documentation: binding to it fails locally, nothing is sent.
    expect(
      expectRefusal(await run('serve', '--host', '192.0.2.1', '--port', '0'), 'SERVER_START_FAILED'),
    ).toContain('192.0.2.1');
    expect(await ledger()).toEqual(applied);
  });
});

describe('generating revisions the shadow refuses', () => {
  const { ctx, run } = appOnDatabase('generating');
  let before: string[];
  beforeEach(() => {
    before = revisionFiles(ctx.app);
  });
  afterEach(() => {
    expect(revisionFiles(ctx.app)).toEqual(before);
    writeFiles(ctx.app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
  });

  it('RENAME_AMBIGUOUS: a column replaced by another of its type while the table gains one more (no terminal)', async () => {
    writeFiles(ctx.app, {
      'src/item.ts': itemEntity(
        "@Column({ type: 'varchar', length: 10, nullable: true })\n  sku: string | null;\n\n  @Column({ type: 'integer', nullable: true })\n  qty: number | null;",
      ),
    });
    const line = expectRefusal(await run('db', 'revision', '-m', 'sku and qty'), 'RENAME_AMBIGUOUS');
    expect(line).toContain('--rename item.code=sku');
  });

  it('GENERATION_DID_NOT_CONVERGE: a default expression PostgreSQL stores in another spelling', async () => {
    writeFiles(ctx.app, {
      'src/item.ts': itemEntity(
        "@Column({ type: 'varchar', length: 10, nullable: true })\n  code: string | null;\n\n  @Column({ type: 'timestamptz', default: () => \"now() + interval '1 day'\" })\n  due: Date;",
      ),
    });
    expectRefusal(await run('db', 'revision', '-m', 'add due'), 'GENERATION_DID_NOT_CONVERGE');
  });

  it('LINEAGE_DRIFT: the framework entities ahead of a framework folder missing its last revision', async () => {
    const installed = join(templateModules(), '@app', 'entities-framework', 'migrations');
    const copy = join(ctx.app, 'framework-migrations');
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy);
    for (const name of readdirSync(installed)) copyFileSync(join(installed, name), join(copy, name));
    const last = readdirSync(copy)
      .filter((f) => /^\d{14}_/.test(f))
      .sort()
      .at(-1)!;
    rmSync(join(copy, last));
    writeFiles(ctx.app, {
      'dazzle.config.ts': ITEM_CONFIG.replace(
        'entities: [Item]',
        "entities: [Item], framework: { migrationsDir: './framework-migrations' }",
      ),
    });
    expect((await run('db', 'rehash', '--lineage', 'framework')).code).toBe(0);
    const line = expectRefusal(await run('db', 'revision', '-m', 'anything'), 'LINEAGE_DRIFT');
    expect(line).toContain('(framework lineage)');
    expect(line).toContain('--lineage framework');
  });
});

describe('entity lists the metadata builder refuses', () => {
  let db: TestDatabase;
  let app: string;
  beforeAll(async () => {
    app = newApp('metadata');
    db = await createTestDatabase('acc_metadata');
  });
  afterAll(() => db?.drop());

  const entity = (className: string, table: string, body: string, imports = '') =>
    `${imports}import { Column, Entity, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';\n\n@Entity('${table}')\nexport class ${className} {\n${body}\n}\n`;
  const ID = '  @PrimaryGeneratedColumn()\n  id: number;';

  async function refused(files: Record<string, string>, entities: string[], code: string): Promise<string> {
    const imports = entities.map((e) => `import { ${e} } from './src/${e.toLowerCase()}';`).join('\n');
    writeFiles(app, {
      ...files,
      'dazzle.config.ts': `import { defineConfig } from '@app/cli';\n${imports}\n\nexport default defineConfig({ entities: [${entities.join(', ')}] });\n`,
    });
    const line = expectRefusal(
      await dazzle(app, ['db', 'revision', '-m', 'create tables'], { DATABASE_URL: db.url }),
      code,
    );
    expect(existsSync(join(app, 'migrations'))).toBe(false);
    return line;
  }

  it('METADATA_NOT_AN_ENTITY: a class without @Entity() in the list', async () => {
    const line = await refused(
      { 'src/money.ts': 'export class Money {\n  amount = 0;\n}\n', 'src/item.ts': itemEntity() },
      ['Item', 'Money'],
      'METADATA_NOT_AN_ENTITY',
    );
    expect(line).toContain('Money');
  });

  it('METADATA_NO_PRIMARY_COLUMN: an entity without a primary column', async () => {
    const line = await refused(
      { 'src/tag.ts': entity('Tag', 'tag', '  @Column()\n  label: string;') },
      ['Tag'],
      'METADATA_NO_PRIMARY_COLUMN',
    );
    expect(line).toContain('Tag');
  });

  it('METADATA_DUPLICATE_TABLE: two app entities on one table', async () => {
    const line = await refused(
      { 'src/item.ts': itemEntity(), 'src/article.ts': entity('Article', 'item', ID) },
      ['Item', 'Article'],
      'METADATA_DUPLICATE_TABLE',
    );
    expect(line).toContain('"item"');
  });

  it('METADATA_TABLE_COLLISION: an app entity on a framework table', async () => {
    const line = await refused(
      { 'src/release.ts': entity('Release', 'deploy_history', ID) },
      ['Release'],
      'METADATA_TABLE_COLLISION',
    );
    expect(line).toContain('deploy_history');
  });

  it('METADATA_RELATION_TO_VIRTUAL: a relation to a virtual framework entity', async () => {
    const line = await refused(
      {
        'src/probe.ts': entity(
          'Probe',
          'probe',
          `${ID}\n\n  @ManyToOne(() => SystemHealth)\n  health: SystemHealth;`,
          "import { SystemHealth } from '@app/entities-framework';\n",
        ),
      },
      ['Probe'],
      'METADATA_RELATION_TO_VIRTUAL',
    );
    expect(line).toContain('SystemHealth');
  });
});

describe('configuration and databases', () => {
  it('CONFIG_NOT_FOUND: no config in the folder or above, or --config naming a missing file', async () => {
    const app = newApp('no-config');
    expectRefusal(await dazzle(app, ['db', 'current']), 'CONFIG_NOT_FOUND');
    expect(
      expectRefusal(await dazzle(app, ['--config', 'dazzle.prod.ts', 'db', 'current']), 'CONFIG_NOT_FOUND'),
    ).toContain('dazzle.prod.ts');
  });

  it('CONFIG_INVALID: the config imports an entity file that is not there', async () => {
    const app = newApp('bad-config');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG });
    expect(expectRefusal(await dazzle(app, ['db', 'current']), 'CONFIG_INVALID')).toContain(
      'dazzle.config.ts',
    );
  });

  it('DATABASE_URL_INVALID: a MySQL URL, its password masked', async () => {
    const app = newApp('bad-url');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    const result = await dazzle(app, ['db', 'upgrade'], {
      DATABASE_URL: 'mysql://app:s3cret@db.internal/app',
    });
    expectRefusal(result, 'DATABASE_URL_INVALID');
    expect(result.stderr).not.toContain('s3cret');
  });

  it('DATABASE_UNREACHABLE: a database that is not there, its password masked', async () => {
    const app = newApp('unreachable');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    const gone = await createTestDatabase('acc_gone');
    await gone.drop();
    const password = new URL(gone.url).password;
    const result = await dazzle(app, ['db', 'upgrade'], { DATABASE_URL: gone.url });
    expect(expectRefusal(result, 'DATABASE_UNREACHABLE')).toContain(gone.name);
    if (password) expect(result.stderr).not.toContain(`:${password}@`);
  });

  it('EMBEDDED_POSTGRES_FAILED: a damaged .dazzle/postgres folder (exit 1, not 0)', async () => {
    const app = newApp('embedded-broken');
    writeFiles(app, {
      'dazzle.config.ts': ITEM_CONFIG,
      'src/item.ts': itemEntity(),
      '.dazzle/postgres/PG_VERSION': '18\n',
    });
    expect(expectRefusal(await dazzle(app, ['db', 'upgrade']), 'EMBEDDED_POSTGRES_FAILED')).toContain(
      '.dazzle/postgres',
    );
  });

  it('USAGE: an unknown flag, exit 2; one line for people, a JSON object with --json', async () => {
    const app = newApp('usage');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    const human = await dazzle(app, ['db', 'upgrade', '--no-such-flag']);
    expect(human.code).toBe(2);
    expect(human.stdout).toBe('');
    expect(human.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Usage error: .*--no-such-flag/),
    ]);
    const json = await dazzle(app, ['db', 'upgrade', '--no-such-flag', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ code: 'USAGE', exitCode: 2 });
  });
});
