// Tags each released version in git as `<name>@<version>` (`@app/cli@0.2.0`), the form changesets
// uses, so a tag says which commit a published version was cut from. Tags that exist are kept.
import { spawnSync } from 'node:child_process';

function git(repo, args) {
  return spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
}

/**
 * Creates the missing tags on the current commit and returns the names it created. Prints
 * `New tag: <tag>` per created tag, the line CI release tooling (changesets/action) reads.
 * @example tagReleased('/repo', [{ name: '@app/cli', version: '0.2.0' }], console.log)
 */
export function tagReleased(repo, released, log) {
  const created = [];
  for (const { name, version } of released) {
    const tag = `${name}@${version}`;
    if (git(repo, ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}`]).status === 0) continue;
    const result = git(repo, ['tag', tag]);
    if (result.status !== 0)
      throw new Error(
        `Could not create the git tag ${tag} in ${repo}: ${result.stderr.trim()}. Create it by hand with \`git tag ${tag}\`.`,
      );
    log(`New tag: ${tag}`);
    created.push(tag);
  }
  return created;
}
