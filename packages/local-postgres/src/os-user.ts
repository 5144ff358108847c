/**
 * Which OS user runs PostgreSQL. PostgreSQL refuses to run as root, so a root process runs it as
 * the `postgres` user (created when missing, as system images often lack it); anyone else runs it
 * as themselves. Also answers "can that user reach this path?", asked by the kernel itself (a
 * `test` run as that user), because folder modes, ACLs and ownership all play a part.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { LocalPostgresError } from './errors';

export interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export const SERVER_USER_NAME = 'postgres';

function ids(name: string): ServerUser | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: 'pipe' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return { name, uid, gid };
  } catch {
    return undefined;
  }
}

function run(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: 'pipe' });
}

/**
 * The user PostgreSQL must run as when this process is root, created if missing; undefined when
 * this process is not root (PostgreSQL then runs as the current user).
 */
export function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const found = ids(SERVER_USER_NAME);
  if (found) return found;
  try {
    if (spawnSync('getent', ['group', SERVER_USER_NAME]).status !== 0)
      run('groupadd', ['--system', SERVER_USER_NAME]);
    run('useradd', ['--system', '--no-create-home', '-g', SERVER_USER_NAME, SERVER_USER_NAME]);
  } catch (error) {
    throw new LocalPostgresError(
      'SERVER_USER',
      `Running as root, PostgreSQL needs an OS user "${SERVER_USER_NAME}" and creating it failed (${(error as Error).message.split('\n')[0]}). Create it (useradd --system ${SERVER_USER_NAME}), run as another user, or set DATABASE_URL.`,
      { cause: error },
    );
  }
  const created = ids(SERVER_USER_NAME);
  if (!created)
    throw new LocalPostgresError(
      'SERVER_USER',
      `Created the OS user "${SERVER_USER_NAME}" but cannot read its ids.`,
    );
  return created;
}

/**
 * Whether `user` may enter (`x`) or write (`w`) `path`, every folder above it included; always
 * true when PostgreSQL runs as this process's own user.
 *
 * @example
 * canReach(serverUser(), '/root/app/.dazzle', 'x'); // false: /root is 0700
 */
export function canReach(user: ServerUser | undefined, path: string, mode: 'x' | 'w'): boolean {
  if (!user) return true;
  return spawnSync('test', [`-${mode}`, path], { uid: user.uid, gid: user.gid }).status === 0;
}
