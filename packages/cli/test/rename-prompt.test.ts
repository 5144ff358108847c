import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempApp, DAZZLE_BIN, dazzle } from './helpers/temp-app';

/** util-linux `script` gives the command a real terminal, as a person at a shell has. */
const hasScript = spawnSync('script', ['--version']).status === 0;

function onTerminal(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  answer: string,
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, DAZZLE_BIN, ...args]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'dumb', ...env },
  });
  let output = '';
  let answered = false;
  child.stdout.on('data', (chunk) => {
    output += chunk;
    if (!answered && output.includes('[y/N]')) {
      answered = true;
      child.stdin.write(answer);
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe.skipIf(!hasScript)('the rename question on a terminal', () => {
  let db: TestDatabase;
  let app: string;

  beforeAll(async () => {
    db = await createTestDatabase('cli_rename');
    app = createTempApp();
    expect((await dazzle(app, ['init'])).code).toBe(0);
    expect((await dazzle(app, ['db', 'revision', '-m', 'init'], { DATABASE_URL: db.url })).code).toBe(0);
    const entity = join(app, 'src', 'entities', 'note.ts');
    writeFileSync(
      entity,
      readFileSync(entity, 'utf8')
        .replace('  @Column()\n  title: string;', "  @Column({ name: 'headline' })\n  title: string;")
        .replace(
          '  @CreateDateColumn',
          "  @Column({ type: 'integer', default: 0 })\n  stars: number;\n\n  @CreateDateColumn",
        ),
    );
  });
  afterAll(() => db.drop());

  it('asks whether a dropped and an added column are one renamed column, and renames on yes', async () => {
    const { code, output } = await onTerminal(
      app,
      ['db', 'revision', '-m', 'headline'],
      { DATABASE_URL: db.url },
      'y\n',
    );
    expect(output).toContain('Was note.title renamed to headline?');
    expect(code, output).toBe(0);
    const file = readdirSync(join(app, 'migrations')).find((f) => f.endsWith('_headline.ts'))!;
    const revision = readFileSync(join(app, 'migrations', file), 'utf8');
    const up = revision.slice(
      revision.indexOf('export async function up'),
      revision.indexOf('export async function down'),
    );
    expect(up).toContain('ALTER TABLE "note" RENAME COLUMN "title" TO "headline"');
    expect(up).not.toContain('DROP COLUMN');
  });
});
