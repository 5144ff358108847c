// After the acceptance run: every error code in docs/reference/errors.md (outside "Internal errors")
// must have been printed by the real binary at least once, or the run fails.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const doc = readFileSync(join(here, '..', '..', '..', 'docs', 'reference', 'errors.md'), 'utf8');
const seenFile = join(here, '..', '.work', 'codes-seen.txt');
const seen = new Set(existsSync(seenFile) ? readFileSync(seenFile, 'utf8').split('\n').filter(Boolean) : []);
// Codes whose test needs a tool this machine lacks (PgBouncer): reported, not failed.
const unavailableFile = join(here, '..', '.work', 'codes-unavailable.txt');
const unavailable = new Map(
  (existsSync(unavailableFile) ? readFileSync(unavailableFile, 'utf8').split('\n').filter(Boolean) : []).map(
    (line) => line.split('\t'),
  ),
);

let section = '';
const expected = new Set();
for (const line of doc.split('\n')) {
  if (line.startsWith('## ')) section = line.slice(3).trim();
  const cell = /^\|\s*([^|]+?)\s*\|/.exec(line)?.[1];
  if (!cell || /^internal/i.test(section)) continue;
  for (const match of cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) expected.add(match[1]);
}
for (const [code, reason] of unavailable)
  if (!seen.has(code)) console.log(`error coverage: ${code} not checked on this machine: ${reason}`);
const missing = [...expected].filter((code) => !seen.has(code) && !unavailable.has(code)).sort();
if (missing.length > 0) {
  console.error(
    `error coverage: ${missing.length} documented code(s) never printed by the binary in the acceptance run: ${missing.join(', ')}`,
  );
  process.exit(1);
}
console.log(`error coverage: all ${expected.size} documented codes were printed by the binary at least once`);
