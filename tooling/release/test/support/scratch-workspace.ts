// A scratch copy of this workspace, a git repository of its own, for tests that version, release and
// tag: every file git sees in the working tree (tracked or new), the public packages' built dist/,
// and node_modules linked to this checkout's. Tags and version commits land there, never here.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PUBLIC_PACKAGES, REPO } from '../../pack-packages.mjs';

export interface ScratchWorkspace {
  root: string;
  /** Runs git in the scratch repository and returns its stdout. */
  git(args: string[]): string;
  /** Commits every change under the scratch root. */
  commitAll(message: string): void;
  remove(): void;
}

export function createScratchWorkspace(): ScratchWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'dazzle-scratch-'));
  const files = execFileSync(
    'git',
    ['-C', REPO, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      encoding: 'utf8',
    },
  )
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(REPO, file)));
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    cpSync(join(REPO, file), join(root, file));
  }
  // The root's node_modules (the package store) is shared. Each package's own node_modules is copied
  // as the relative links pnpm made, so `@app/*` resolve to the scratch packages: `pnpm pack` reads
  // their versions through those links when it rewrites `workspace:` ranges.
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  for (const file of files.filter((f) => f.endsWith('/package.json'))) {
    const modules = join(dirname(file), 'node_modules');
    if (existsSync(join(REPO, modules)))
      cpSync(join(REPO, modules), join(root, modules), { recursive: true, verbatimSymlinks: true });
  }
  for (const { folder } of PUBLIC_PACKAGES)
    cpSync(join(folder, 'dist'), join(root, folder.slice(REPO.length), 'dist'), { recursive: true });

  const git = (args: string[]) =>
    execFileSync(
      'git',
      ['-C', root, '-c', 'user.name=Release Test', '-c', 'user.email=release@test.invalid', ...args],
      {
        encoding: 'utf8',
      },
    );
  git(['init', '--quiet', '--initial-branch', 'main']);
  writeFileSync(join(root, '.git', 'info', 'exclude'), 'node_modules\n');
  const commitAll = (message: string) => {
    git(['add', '--all']);
    git(['commit', '--quiet', '--no-verify', '-m', message]);
  };
  commitAll('Scratch copy of the workspace');
  return { root, git, commitAll, remove: () => rmSync(root, { recursive: true, force: true }) };
}
