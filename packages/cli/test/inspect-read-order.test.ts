// current, history and the no-op upgrade check read the revision folders and the ledger side by
// side; what they report when something is wrong is what reading them one after the other gave:
// a graph that cannot be built first, then a database that cannot be reached.
import { afterAll, describe, expect, it } from 'vitest';
import { appendRevisions, chainApp } from './helpers/chain-app';
import { dazzle, removeTempApps } from './helpers/temp-app';

afterAll(removeTempApps, 60_000);

/** Nothing listens on port 1: the connection is refused at once. */
const UNREACHABLE = { DATABASE_URL: 'postgres://dazzle:secret@127.0.0.1:1/nowhere' };
const VERBS = [
  ['db', 'current'],
  ['db', 'history'],
  ['db', 'upgrade'],
];

describe('reading the folders beside the ledger', () => {
  it('reports a revision graph it cannot build, not the database it cannot reach', async () => {
    const { app } = chainApp([]);
    appendRevisions(app, '20990101000000_missing', [{ message: 'orphan', up: ['SELECT 1'] }]);
    for (const verb of VERBS) {
      const result = await dazzle(app, verb, UNREACHABLE);
      expect(result.code, verb.join(' ')).toBe(1);
      expect(result.stderr, verb.join(' ')).toMatch(/^Error UNKNOWN_PARENT: .*20990101000000_missing/m);
      expect(result.stderr, verb.join(' ')).not.toMatch(/Error DATABASE_/);
    }
  });

  it('reports the database it cannot reach when the folders are sound', async () => {
    const { app } = chainApp([{ message: 'first', up: ['SELECT 1'] }]);
    for (const verb of VERBS) {
      const result = await dazzle(app, verb, UNREACHABLE);
      expect(result.code, verb.join(' ')).toBe(1);
      expect(result.stderr, verb.join(' ')).toMatch(/^Error DATABASE_\w+: /m);
    }
  });
});
