/**
 * What the CLI prints. People get short, aligned lines, coloured only on a terminal; `--json`
 * gets one JSON document on stdout and nothing else there. Notes go to stderr so piping JSON or
 * offline SQL stays clean.
 */
import { styleText } from 'node:util';

type Style = 'green' | 'yellow' | 'red' | 'dim' | 'bold' | 'cyan';

export class Reporter {
  readonly json: boolean;
  readonly #colour: boolean;
  readonly #out: NodeJS.WritableStream;
  readonly #err: NodeJS.WritableStream;

  constructor(
    options: {
      json?: boolean;
      out?: NodeJS.WriteStream;
      err?: NodeJS.WriteStream;
      env?: NodeJS.ProcessEnv;
    } = {},
  ) {
    this.json = Boolean(options.json);
    const out = options.out ?? process.stdout;
    this.#out = out;
    this.#err = options.err ?? process.stderr;
    const env = options.env ?? process.env;
    this.#colour = Boolean(out.isTTY) && !env.NO_COLOR;
  }

  style(text: string, style: Style): string {
    return this.#colour ? styleText(style, text) : text;
  }

  /** A result line on stdout (suppressed in --json mode). */
  line(text = ''): void {
    if (!this.json) this.#out.write(`${text}\n`);
  }

  /** Context and progress on stderr: the database in use, each revision as it runs. */
  note(text: string): void {
    this.#err.write(`${text}\n`);
  }

  /** Raw output that is the command's product (offline SQL), on stdout. */
  raw(text: string): void {
    this.#out.write(text);
  }

  /** The --json document. */
  document(value: unknown): void {
    if (this.json) this.#out.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  table(rows: readonly string[][]): void {
    const widths = rows.reduce<number[]>(
      (w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)),
      [],
    );
    for (const row of rows)
      this.line(
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      );
  }
}
