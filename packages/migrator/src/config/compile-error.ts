/**
 * Turns a TypeScript compiler's multi-line diagnostic (SWC draws a code frame, then a native stack
 * backtrace) into `file:line:column: message`, so a syntax error in a config or an entity reads as
 * one line a person can jump to.
 */

export interface CompileErrorLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

const HEADER = /^\s*,-\[(.+):(\d+):(\d+)\]\s*$/;
const CODE_LINE = /^\s*(\d+)\s\|/;
const CARET_LINE = /^\s*:\s*(\^)/;

/**
 * Reads the first diagnostic of an SWC error message; undefined for any other error.
 *
 * @example
 * describeCompileError(swcError.message)
 * // { file: '/app/dazzle.config.ts', line: 5, column: 24, message: 'Unexpected token `{`. …' }
 */
export function describeCompileError(text: string): CompileErrorLocation | undefined {
  const lines = text.split('\n');
  const headerIndex = lines.findIndex((l) => HEADER.test(l));
  if (headerIndex < 1) return undefined;
  const [, file, headerLine, headerColumn] = HEADER.exec(lines[headerIndex]!)!;
  const message = lines
    .slice(0, headerIndex)
    .map((l) => l.trim().replace(/^[x×]\s+/, ''))
    .filter(Boolean)
    .join(' ');
  let line = Number(headerLine);
  let column = Number(headerColumn);
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const caret = CARET_LINE.exec(lines[i]!);
    if (!caret) continue;
    const code = lines
      .slice(headerIndex + 1, i)
      .reverse()
      .find((l) => CODE_LINE.test(l));
    if (code) {
      line = Number(CODE_LINE.exec(code)![1]);
      column = lines[i]!.indexOf('^') - (code.indexOf('|') + 2) + 1;
    }
    break;
  }
  return { file: file!, line, column: Math.max(1, column), message: message || 'syntax error' };
}
