/**
 * Where the app author's own code threw. Stack frames in TypeScript the loader compiled are mapped
 * back to the lines the author wrote, and the first frame in the app's own files (not
 * node_modules, not dazzle) is the file:line an error message points at.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { originalPosition } from '../revision/typescript-support';

/** Maps a 1-based position in a compiled file to the source the author wrote. */
export type PositionLookup = (
  file: string,
  line: number,
  column: number,
) => { line: number; column: number } | undefined;

// `    at fn (/app/task.ts:20:7)` or `    at /app/task.ts:20:7`
const FRAME = /^(\s*at (?:.*? \()?)(.+?):(\d+):(\d+)(\)?)$/;

/**
 * The stack with every frame the loader compiled pointing at the author's line.
 *
 * @example
 * remapStack(error.stack) // "…at Object.<anonymous> (/app/src/entities/task.ts:20:31)"
 */
export function remapStack(stack: string, lookup: PositionLookup = originalPosition): string {
  return stack
    .split('\n')
    .map((line) => {
      const frame = FRAME.exec(line);
      if (!frame) return line;
      const [, head = '', file = '', row = '', column = '', tail = ''] = frame;
      const original = lookup(file, Number(row), Number(column));
      return original ? `${head}${file}:${original.line}:${original.column}${tail}` : line;
    })
    .join('\n');
}

/**
 * `file:line` of the first frame of a (remapped) stack that lies in the app's own files: under
 * `root` and outside any node_modules folder.
 *
 * @example
 * firstUserFrame(remapStack(error.stack), '/app') // "/app/src/entities/task.ts:20"
 */
export function firstUserFrame(stack: string, root: string): string | undefined {
  for (const line of stack.split('\n')) {
    const frame = FRAME.exec(line);
    if (!frame) continue;
    const file = frame[2] as string;
    const inside = relative(root, file);
    if (!isAbsolute(file) || inside.startsWith('..') || isAbsolute(inside)) continue;
    if (inside.split(sep).includes('node_modules')) continue;
    return `${file}:${frame[3]}`;
  }
  return undefined;
}
