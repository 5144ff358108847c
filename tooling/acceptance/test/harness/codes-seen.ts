/**
 * Every error code the binary printed during the run, appended by the harness and read by
 * scripts/check-error-coverage.mjs after vitest ends: each documented code must show up at least once.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

export const CODES_SEEN_FILE = join(import.meta.dirname, '..', '..', '.work', 'codes-seen.txt');

/**
 * Codes whose test needs a tool this machine lacks (PgBouncer), one `CODE<TAB>reason` a line: the
 * coverage check lists them as not checked here instead of failing.
 */
export const CODES_UNAVAILABLE_FILE = join(import.meta.dirname, '..', '..', '.work', 'codes-unavailable.txt');

const HUMAN = /^(?:Error|Usage error:?) ([A-Z][A-Z0-9_]+):/gm;
const JSON_CODE = /"code":\s*"([A-Z][A-Z0-9_]+)"/g;

export function recordCodes(output: string): void {
  const codes = new Set<string>();
  for (const match of output.matchAll(HUMAN)) codes.add(match[1]!);
  for (const match of output.matchAll(JSON_CODE)) codes.add(match[1]!);
  if (codes.size > 0) appendFileSync(CODES_SEEN_FILE, `${[...codes].join('\n')}\n`);
}
