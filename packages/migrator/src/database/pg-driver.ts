/**
 * The `pg` driver, loaded once, without the cost of its Cloudflare Workers probe. When pg loads it
 * asks whether it runs in a Worker: `navigator.userAgent` where there is a `navigator` (Node 21 and
 * later), otherwise by constructing a `Response`, whose first use loads Node's whole fetch stack
 * (undici, about 50 ms of a cold CLI start on Node 20). Node 20 has no `navigator`, so while pg
 * loads there is one naming Node, as later versions have; pg takes the same Node.js streams either
 * way, and the global is gone again once it has loaded.
 */
import type pg from 'pg';

type PgModule = typeof pg;

let driver: PgModule | undefined;

/** What Node 21 and later put in `navigator.userAgent`. */
function nodeUserAgent(): string {
  return `Node.js/${process.versions.node.split('.')[0]}`;
}

/**
 * The pg module, as `import pg from 'pg'` gives it.
 *
 * @example
 * const client = new (pgDriver().Client)({ connectionString: url });
 */
export function pgDriver(): PgModule {
  if (driver) return driver;
  const scope = globalThis as { navigator?: unknown };
  if (scope.navigator !== undefined) {
    driver = require('pg') as PgModule;
    return driver;
  }
  Object.defineProperty(scope, 'navigator', {
    value: Object.freeze({ userAgent: nodeUserAgent() }),
    configurable: true,
    writable: true,
  });
  try {
    driver = require('pg') as PgModule;
  } finally {
    delete scope.navigator;
  }
  return driver;
}
