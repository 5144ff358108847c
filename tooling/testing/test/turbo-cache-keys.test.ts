import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..', '..');

interface DryRunTask {
  taskId: string;
  directory: string;
  task: string;
  inputs: Record<string, string>;
  resolvedTaskDefinition: { passThroughEnv: string[] | null; env: string[] };
}

/** What turbo would hash and pass to each task, without running any (dependencies' tasks included). */
function dryRun(): DryRunTask[] {
  const out = execFileSync(
    join(REPO, 'node_modules', '.bin', 'turbo'),
    ['run', 'build', 'lint', 'typecheck', 'test', '--dry=json', '--filter=./packages/*'],
    { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return (JSON.parse(out) as { tasks: DryRunTask[] }).tasks;
}

describe("turbo's cache keys and task environment", () => {
  const tasks = dryRun();
  const named = (task: string) => tasks.filter((t) => t.task === task && t.directory.startsWith('packages/'));

  it('finds the build, lint, typecheck and test tasks of the seven packages', () => {
    for (const task of ['build', 'lint', 'typecheck', 'test']) expect(named(task)).toHaveLength(7);
  });

  it('hashes the shared tsconfig into every build and typecheck', () => {
    for (const t of [...named('build'), ...named('typecheck')]) {
      expect(Object.keys(t.inputs), t.taskId).toContain('../../tooling/tsconfig/base.json');
    }
  });

  it('hashes the Biome rules into every lint', () => {
    for (const t of named('lint')) {
      expect(Object.keys(t.inputs), t.taskId).toEqual(
        expect.arrayContaining(['../../biome.json', '../../tooling/biome-config/rules.json', 'package.json']),
      );
    }
  });

  it('lets the database variables through to every test run', () => {
    for (const t of named('test')) {
      expect(t.resolvedTaskDefinition.passThroughEnv, t.taskId).toEqual(
        expect.arrayContaining(['TESTCONTAINERS_*', 'PG*']),
      );
    }
  });
});
