// Loading a TypeScript config goes through two doors: `@app/migrator/inspect` and
// `@app/autogenerate/typescript`. `dazzle db current`, `history` and `heads` on a TypeScript app
// pass through both, so neither may pull in TypeORM (most of a cold start). Each door is required
// in a fresh Node process, from the built packages, and the modules it loaded are counted.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The files under node_modules/typeorm that requiring `door` loaded, in a fresh process. */
function typeormFilesLoadedBy(door: string): string[] {
  const script = `require(${JSON.stringify(door)});
const loaded = Object.keys(require.cache).filter((file) => /[\\\\/]node_modules[\\\\/]typeorm[\\\\/]/.test(file));
process.stdout.write(JSON.stringify(loaded));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8' }));
}

describe('the doors a TypeScript config loads through', () => {
  it.each(['@app/migrator/inspect', '@app/autogenerate/typescript'])('%s loads no TypeORM', (door) => {
    expect(typeormFilesLoadedBy(door)).toEqual([]);
  });

  it('counts what the full door loads, so an empty answer above means something', () => {
    expect(typeormFilesLoadedBy('@app/migrator').length).toBeGreaterThan(0);
  });
});
