// A command line loads only the module of its verb; anything else loads every command module,
// so help, suggestions and usage errors are commander's own with every verb registered. The built
// modules are tested (as the binary runs them): the table loads command modules with require().
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, modulesFor } from '../dist/command-table';
import { buildProgram } from '../dist/program';

const argv = (...words: string[]) => ['node', 'dazzle', ...words];

/** Every verb a program has, as `db current` or `serve`. */
function verbsOf(program: Command): string[] {
  const db = program.commands.find((c) => c.name() === 'db')!;
  return [
    ...db.commands.map((c) => `db ${c.name()}`),
    ...program.commands.filter((c) => c !== db).map((c) => c.name()),
  ].sort();
}

describe('the command table', () => {
  it('lists every verb the command modules register, each under its own module', () => {
    const listed = COMMAND_MODULES.flatMap((m) => m.verbs.map((v) => (m.parent === 'db' ? `db ${v}` : v)));
    expect(verbsOf(buildProgram()).sort()).toEqual([...listed].sort());
  });

  it.each(
    COMMAND_MODULES.flatMap((m) =>
      m.verbs.map((verb) => [m.parent === 'db' ? `db ${verb}` : verb, m] as const),
    ),
  )('%s loads its module alone, which registers it', (line, module) => {
    const words = line.split(' ');
    expect(modulesFor(argv(...words))).toEqual([module]);
    expect(verbsOf(buildProgram(argv(...words)))).toContain(line);
  });

  it('finds the verb after global options and their values', () => {
    const inspect = COMMAND_MODULES.find((m) => m.verbs.includes('current'));
    for (const line of [
      ['--config', 'db', 'db', 'current'],
      ['--database-url', 'postgres://x/db', '--json', 'db', 'current', '--all', 'x'],
      ['--lock-timeout=5', 'db', 'current'],
      ['db', 'current', '--help'],
    ])
      expect(modulesFor(argv(...line)), line.join(' ')).toEqual([inspect]);
  });

  it('loads every module for help, a mistyped or missing verb, and `help`', () => {
    for (const line of [
      [],
      ['--help'],
      ['db'],
      ['db', 'curent'],
      ['help', 'db'],
      ['db', 'help', 'current'],
      ['--', 'db', 'current'],
      ['--config', 'db', 'current'],
    ])
      expect(modulesFor(argv(...line)), line.join(' ')).toEqual(COMMAND_MODULES);
  });
});
