/**
 * The databases of a fleet (one per tenant, per region…), read from one of two documented sources:
 * a file with one PostgreSQL URL a line, or a SQL query against a catalog database whose first
 * column is the URL. Every URL is checked before anything runs, so a typo stops the command at
 * once instead of after half the fleet was migrated.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { assertPostgresUrl, connectionFailure, maskUrl } from '../database/connect';
import { MigratorError } from '../errors';

export interface FleetSource {
  /** A file path, or a catalog database's URL (then `query` is required). */
  source: string;
  /** With a catalog URL: the query whose first column lists the databases' URLs. */
  query?: string;
  /** Relative file paths resolve against this folder. */
  cwd?: string;
}

export interface FleetTarget {
  readonly url: string;
  /** The URL with its password masked: what is ever printed. */
  readonly display: string;
}

/**
 * Reads the fleet's URLs, in order, without duplicates.
 *
 * @example
 * await readFleetTargets({ source: 'tenants.txt' });
 * await readFleetTargets({ source: 'postgres://ops@catalog/fleet', query: 'SELECT url FROM tenant_databases' });
 */
export async function readFleetTargets(options: FleetSource): Promise<FleetTarget[]> {
  const urls = /^postgres(ql)?:\/\//i.test(options.source)
    ? await readCatalog(options.source, options.query)
    : readListFile(resolve(options.cwd ?? process.cwd(), options.source));
  const seen = new Set<string>();
  const targets: FleetTarget[] = [];
  for (const url of urls) {
    if (seen.has(url)) continue;
    seen.add(url);
    assertPostgresUrl(url);
    targets.push(Object.freeze({ url, display: maskUrl(url) }));
  }
  if (targets.length === 0) {
    throw new MigratorError(
      'FLEET_SOURCE_INVALID',
      `The database list ${describeSource(options)} names no database: add one PostgreSQL URL a line (or make the query return rows).`,
      { source: describeSource(options) },
    );
  }
  return targets;
}

function describeSource(options: FleetSource): string {
  return /^postgres(ql)?:\/\//i.test(options.source) ? `query on ${maskUrl(options.source)}` : options.source;
}

/** One URL a line; blank lines and lines starting with # are skipped. */
function readListFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MigratorError(
      'FLEET_SOURCE_INVALID',
      `Could not read the database list ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}): pass a file with one PostgreSQL URL a line, or a catalog URL with --all-query.`,
      { file },
    );
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

async function readCatalog(catalogUrl: string, query: string | undefined): Promise<string[]> {
  assertPostgresUrl(catalogUrl);
  if (!query) {
    throw new MigratorError(
      'FLEET_SOURCE_INVALID',
      `--all ${maskUrl(catalogUrl)} is a catalog database: add --all-query "SELECT url FROM …" whose first column lists the databases' URLs.`,
      { source: maskUrl(catalogUrl) },
    );
  }
  const client = new pg.Client({ connectionString: catalogUrl, application_name: 'dazzle fleet catalog' });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw connectionFailure(catalogUrl, error);
  }
  try {
    const result = await client.query({ text: query, rowMode: 'array' });
    return (result.rows as unknown[][]).map((row) => String(row[0] ?? '').trim()).filter(Boolean);
  } catch (error) {
    throw new MigratorError(
      'FLEET_SOURCE_INVALID',
      `The catalog query on ${maskUrl(catalogUrl)} failed: ${(error as Error).message}; fix --all-query (its first column must be the URLs).`,
      { source: maskUrl(catalogUrl) },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
