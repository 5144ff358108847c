import { describeCompileError } from '@app/migrator';
import { describe, expect, it } from 'vitest';
import { compileTypeScript } from '../src/typescript/typescript-loader';

function compileErrorOf(source: string, file: string): string {
  try {
    compileTypeScript(source, file);
  } catch (error) {
    // The loader throws one line and keeps SWC's own diagnostic as the cause.
    const cause = (error as Error).cause;
    return cause instanceof Error ? cause.message : (error as Error).message;
  }
  throw new Error('expected a compile error');
}

describe('describeCompileError', () => {
  it('reads file, line, column and the message from an SWC diagnostic', () => {
    const text = compileErrorOf(
      'export default {\n  a: 1,\n};\nexport const broken = {{{ ;\n',
      '/app/dazzle.config.ts',
    );
    expect(describeCompileError(text)).toEqual({
      file: '/app/dazzle.config.ts',
      line: 4,
      column: 24,
      message: expect.stringMatching(/^Unexpected token `\{`/),
    });
  });

  it('keeps the message to the diagnostic, not the native backtrace', () => {
    const text = compileErrorOf('const x = ;\n', '/app/a.ts');
    const described = describeCompileError(text)!;
    expect(described.line).toBe(1);
    expect(described.message).not.toMatch(/backtrace|Caused by|\n/);
  });

  it('is undefined for an error that is not a compile diagnostic', () => {
    expect(describeCompileError('Cannot find module ./x')).toBeUndefined();
  });
});
