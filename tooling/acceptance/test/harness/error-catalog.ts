/**
 * The documented error catalog (docs/reference/errors.md), read as data: every code in a table's
 * first column, and which of them sit under "Internal errors" (raised only by a dazzle bug, so no
 * user path can produce them on purpose).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ERRORS_DOC = join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'reference', 'errors.md');

export interface ErrorCatalog {
  readonly documented: ReadonlySet<string>;
  readonly internal: ReadonlySet<string>;
}

export function readErrorCatalog(text = readFileSync(ERRORS_DOC, 'utf8')): ErrorCatalog {
  const documented = new Set<string>();
  const internal = new Set<string>();
  let section = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const cell = /^\|\s*([^|]+?)\s*\|/.exec(line)?.[1];
    if (!cell) continue;
    for (const match of cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) {
      documented.add(match[1]!);
      if (/^internal/i.test(section)) internal.add(match[1]!);
    }
  }
  return { documented, internal };
}
