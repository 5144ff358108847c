import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintWorkflows } from '../lint-workflows.mjs';
import { REPO } from '../pack-packages.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'dazzle-workflows-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('lintWorkflows', () => {
  it("finds nothing wrong in this repository's workflows", async () => {
    expect(await lintWorkflows(REPO)).toEqual([]);
  });

  it('reports an unknown context property and a dependency on a job that does not exist', async () => {
    mkdirSync(join(scratch, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      join(scratch, '.github', 'workflows', 'broken.yml'),
      [
        'on: push',
        'jobs:',
        '  publish:',
        '    needs: [biuld]',
        '    runs-on: ubuntu-latest',
        '    steps:',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
        '      - run: echo ${{ github.commit_sha }}',
        '',
      ].join('\n'),
    );
    const problems = await lintWorkflows(scratch);
    expect(
      problems.some((p) => p.startsWith('.github/workflows/broken.yml:7:') && p.includes('commit_sha')),
    ).toBe(true);
    expect(problems.some((p) => p.includes('biuld'))).toBe(true);
  });
});
