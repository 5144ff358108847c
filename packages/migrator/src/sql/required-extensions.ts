/**
 * The extensions entities need, for the one question both a generated revision and create-all
 * ask: which `CREATE EXTENSION` must run before the tables. A column type may live in an extension
 * (`citext`, `hstore`, …), a default may call an extension's function (`uuid_generate_v4()` is
 * uuid-ossp's, `crypt()`/`gen_salt()`/`digest()` are pgcrypto's; `gen_random_uuid()` is built in
 * since PostgreSQL 13), and an exclusion constraint over a scalar column needs `btree_gist`. TypeORM
 * installs these itself on connect; we never let it (DDL outside the ledger), so we name them here.
 */
import type { EntityMetadata } from 'typeorm';
import { exclusionExtensions } from './exclusion-extensions';
import { loadSqlParser } from './statement-facts';

/** Column types that live in an extension. */
const EXTENSION_OF_TYPE: Readonly<Record<string, string>> = {
  citext: 'citext',
  hstore: 'hstore',
  ltree: 'ltree',
  cube: 'cube',
};

/** Functions a default may call that an extension provides. */
const EXTENSION_OF_FUNCTION: Readonly<Record<string, string>> = {
  uuid_generate_v1: 'uuid-ossp',
  uuid_generate_v1mc: 'uuid-ossp',
  uuid_generate_v3: 'uuid-ossp',
  uuid_generate_v4: 'uuid-ossp',
  uuid_generate_v5: 'uuid-ossp',
  uuid_nil: 'uuid-ossp',
  crypt: 'pgcrypto',
  gen_salt: 'pgcrypto',
  digest: 'pgcrypto',
  hmac: 'pgcrypto',
  gen_random_bytes: 'pgcrypto',
};

/** Every extension create-all or a revision may create on its own; another one is the user's SQL. */
export const MANAGED_EXTENSIONS: ReadonlySet<string> = new Set([
  ...Object.values(EXTENSION_OF_TYPE),
  ...Object.values(EXTENSION_OF_FUNCTION),
  'btree_gist',
]);

type Node = Record<string, unknown>;

/** Function names a default expression calls (`uuid_generate_v4()`, `public.crypt('x', …)`), read by PostgreSQL's parser. */
function calledFunctions(expression: string): string[] {
  const parser = require('libpg-query') as { parseSync(sql: string): unknown };
  let tree: unknown;
  try {
    tree = parser.parseSync(`SELECT ${expression}`);
  } catch {
    return []; // not an expression PostgreSQL reads; creating the table will say so
  }
  const names: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (node && typeof node === 'object') {
      const call = (node as Node).FuncCall as Node | undefined;
      const parts = (call?.funcname as Node[] | undefined) ?? [];
      const last = (parts.at(-1)?.String as Node | undefined)?.sval;
      if (typeof last === 'string') names.push(last.toLowerCase());
      for (const value of Object.values(node)) walk(value);
    }
  };
  walk(tree);
  return names;
}

function defaultExpression(value: unknown): string | undefined {
  return typeof value === 'function' ? String((value as () => unknown)()) : undefined;
}

/**
 * The extensions these entities need, sorted.
 *
 * @example
 * await requiredExtensions(dataSource.entityMetadatas) // ['citext', 'uuid-ossp']
 */
export async function requiredExtensions(entities: readonly EntityMetadata[]): Promise<string[]> {
  const needed = new Set<string>();
  await loadSqlParser();
  for (const m of entities) {
    for (const column of m.columns) {
      const ofType = EXTENSION_OF_TYPE[String(column.type)];
      if (ofType) needed.add(ofType);
      const expression = defaultExpression(column.default);
      for (const name of expression ? calledFunctions(expression) : []) {
        const ofFunction = EXTENSION_OF_FUNCTION[name];
        if (ofFunction) needed.add(ofFunction);
      }
    }
  }
  for (const extension of await exclusionExtensions(entities)) needed.add(extension);
  return [...needed].sort();
}
