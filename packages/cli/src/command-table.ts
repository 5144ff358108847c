/**
 * Which module under commands/ registers which verbs. A command loads only the module of the verb
 * it runs (`dazzle db current` never loads the modules of `revision`, `check` or `serve`, nor what
 * they import); help, a mistyped verb or anything this table cannot place loads them all, so
 * commander lists, suggests and refuses exactly as it does with every verb registered.
 */
import type { Command } from 'commander';

type Register = (parent: Command) => void;

interface CommandModule {
  /** `db` for `dazzle db <verb>`, `top` for `dazzle <verb>`. */
  readonly parent: 'db' | 'top';
  readonly verbs: readonly string[];
  readonly load: () => Register;
}

/** In help order: the order they are registered in. */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { parent: 'db', verbs: ['revision'], load: () => require('./commands/revision').registerRevision },
  {
    parent: 'db',
    verbs: ['upgrade', 'downgrade'],
    load: () => require('./commands/upgrade').registerUpgrade,
  },
  {
    parent: 'db',
    verbs: ['current', 'history', 'heads'],
    load: () => require('./commands/inspect').registerInspect,
  },
  {
    parent: 'db',
    verbs: ['stamp', 'merge', 'rehash'],
    load: () => require('./commands/maintenance').registerMaintenance,
  },
  { parent: 'db', verbs: ['resolve'], load: () => require('./commands/resolve').registerResolve },
  { parent: 'db', verbs: ['check', 'lint'], load: () => require('./commands/check').registerCheck },
  { parent: 'db', verbs: ['shadow'], load: () => require('./commands/shadow').registerShadow },
  { parent: 'top', verbs: ['serve'], load: () => require('./commands/serve').registerServe },
  { parent: 'top', verbs: ['init'], load: () => require('./commands/init').registerInit },
];

/** The global options that take a value: the argument after one is its value, never a verb. */
const VALUE_OPTIONS: ReadonlySet<string> = new Set(['--config', '--database-url', '--lock-timeout']);

/** The first two words of the command line that are neither options nor option values. */
function leadingWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  const args = argv.slice(2);
  for (let i = 0; i < args.length && words.length < 2; i += 1) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (!arg.startsWith('-')) words.push(arg);
    else if (VALUE_OPTIONS.has(arg)) i += 1;
  }
  return words;
}

/**
 * The modules a command line needs: the one that registers its verb, or every module when the
 * line names no verb this table knows (help, a typo, no verb at all).
 *
 * @example
 * modulesFor(['node', 'dazzle', 'db', 'current']); // [the module of current, history and heads]
 */
export function modulesFor(argv: readonly string[] | undefined): readonly CommandModule[] {
  if (!argv) return COMMAND_MODULES;
  const [first, second] = leadingWords(argv);
  const named = COMMAND_MODULES.find((m) =>
    m.parent === 'db'
      ? first === 'db' && second !== undefined && m.verbs.includes(second)
      : m.verbs.includes(first ?? ''),
  );
  return named ? [named] : COMMAND_MODULES;
}
