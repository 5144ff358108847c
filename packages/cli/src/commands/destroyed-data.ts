/**
 * How `dazzle db downgrade` tells people what reverting destroys: the question asked on a terminal
 * before data is lost (never in CI or without a terminal: there the downgrade is refused unless
 * --allow-destructive is passed), and the lines saying what was dropped once it ran.
 */
import type { DroppedData } from '@app/migrator';
import { migratorApi } from '../migrator-api';
import type { Reporter } from '../reporter';

/** A person can answer: stdin and stderr are a terminal and this is not CI. */
export function canAskAtTerminal(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY) && !env.CI;
}

/** Asks whether to revert although `loss` would be destroyed; only a yes reverts. */
export async function askToDestroy(loss: readonly DroppedData[]): Promise<boolean> {
  // Loaded here: `upgrade` imports this module, and only a downgrade at a terminal asks anything.
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(
      `Reverting destroys ${loss.map(migratorApi().describeDroppedData).join(', ')}. Revert anyway? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/** One line per table or column a downgrade dropped that held data. */
export function reportDestroyed(reporter: Reporter, destroyed: readonly DroppedData[] = []): void {
  for (const item of destroyed.filter((d) => d.rows > 0)) {
    reporter.line(
      reporter.style(
        `Destroyed ${migratorApi().describeDroppedData(item)} (revision ${item.revision}).`,
        'yellow',
      ),
    );
  }
}
