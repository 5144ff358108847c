import { readFileSync, writeFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliResult, dazzle, newApp, startServe, writeFiles } from './harness/app';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';
import { revisionFile } from './harness/revisions';

/** The code a failing command printed, or 'OK' for exit 0. */
function verdict(result: CliResult): string {
  if (result.code === 0) return 'OK';
  return /^Error ([A-Z_]+):/m.exec(result.stderr)?.[1] ?? `exit ${result.code}`;
}

async function serveVerdict(app: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const serving = await startServe(app, ['--no-migrate'], env);
    serving.child.kill('SIGTERM');
    await serving.ended;
    return 'OK';
  } catch (error) {
    return /Error ([A-Z_]+):/.exec(String(error))?.[1] ?? String(error);
  }
}

type Arrange = (app: string, env: NodeJS.ProcessEnv) => Promise<void>;

const STATES: Array<[string, Arrange]> = [
  ['in step', async () => {}],
  [
    'pending',
    async (app, env) => {
      writeFiles(app, {
        'src/item.ts': itemEntity(
          "@Column({ type: 'varchar', length: 10, nullable: true })\n  code: string | null;\n\n  @Column({ type: 'text', nullable: true })\n  note: string | null;",
        ),
      });
      expect((await dazzle(app, ['db', 'revision', '-m', 'add note'], env)).code).toBe(0);
    },
  ],
  [
    'an applied revision edited, then rehashed',
    async (app, env) => {
      const file = revisionFile(app, 'create_item');
      writeFileSync(file, `${readFileSync(file, 'utf8')}// edited after it was applied\n`);
      expect((await dazzle(app, ['db', 'rehash'], env)).code).toBe(0);
    },
  ],
  [
    'an applied revision edited, not rehashed',
    async (app) => {
      const file = revisionFile(app, 'create_item');
      writeFileSync(file, `${readFileSync(file, 'utf8')}// edited after it was applied\n`);
    },
  ],
];

describe('check, current, upgrade and serve --no-migrate agree on whether the database is in step', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it.each(STATES)('%s', async (state, arrange) => {
    const db = await createTestDatabase('acceptance_instep');
    databases.push(db);
    const env = { DATABASE_URL: db.url };
    const app = newApp('instep');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    expect((await dazzle(app, ['db', 'revision', '-m', 'create item'], env)).code).toBe(0);
    expect((await dazzle(app, ['db', 'upgrade'], env)).code).toBe(0);
    await arrange(app, env);

    const check = verdict(await dazzle(app, ['db', 'check'], env));
    const current = await dazzle(app, ['db', 'current', '--json'], env);
    const serve = await serveVerdict(app, env);
    // upgrade last: in the pending state it changes the database.
    const upgradeSql = verdict(await dazzle(app, ['db', 'upgrade', '--sql'], env));
    const inStep = state === 'in step';
    expect(check === 'OK', `check said ${check}`).toBe(inStep);
    expect(serve === 'OK', `serve --no-migrate said ${serve}`).toBe(inStep);
    expect(serve, 'check and serve --no-migrate name the same problem').toBe(check);
    if (current.code === 0) {
      const document = JSON.parse(current.stdout) as { inStep?: boolean; atHeads?: boolean };
      expect(document.inStep ?? document.atHeads, current.stdout).toBe(inStep);
    } else {
      expect(inStep).toBe(false);
      expect(verdict(current)).toBe(check);
    }
    if (state.startsWith('an applied revision')) expect(upgradeSql).toBe(check);
  });
});
