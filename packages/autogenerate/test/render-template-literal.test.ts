import { describe, expect, it } from 'vitest';
import { templateLiteral } from '../src/authoring/render-revision';

/** What the rendered revision file sends: the literal, evaluated as JavaScript evaluates it. */
function evaluate(literal: string): string {
  return new Function(`return ${literal};`)() as string;
}

describe('templateLiteral', () => {
  it.each([
    ['a backtick', 'COMMENT ON COLUMN "t"."c" IS \'say `hi`\''],
    ['a ${ sequence', "SELECT '${not a placeholder}'"],
    ['a backslash', "SELECT E'a\\\\b'"],
    ['a carriage return', 'COMMENT ON COLUMN "t"."c" IS \'a\rb\''],
    ['CRLF', 'COMMENT ON COLUMN "t"."c" IS \'a\r\nb\''],
    ['a plain newline', 'CREATE TABLE "t" (\n  "id" integer\n)'],
  ])('keeps %s exactly', (_name, sql) => {
    expect(evaluate(templateLiteral(sql))).toBe(sql);
  });
});
