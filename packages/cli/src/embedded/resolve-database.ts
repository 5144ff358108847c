/**
 * Which database a command talks to, in one documented order: the --database-url flag, then the
 * DATABASE_URL environment variable, then the config file, then the embedded default. Nothing
 * else (no dotfile) can outrank an exported DATABASE_URL.
 */
import { assertPostgresUrl, maskUrl } from '@app/migrator/inspect';
import { loadEmbeddedDatabase } from '../optional-parts';

export type DatabaseSource = 'flag' | 'environment' | 'config' | 'embedded';

export interface ResolvedDatabase {
  readonly url: string;
  readonly source: DatabaseSource;
  /** The URL with its password masked, for printing. */
  readonly display: string;
  /** Gives up the embedded server (stopping it when no other dazzle command uses it); otherwise does nothing. */
  release(): Promise<void>;
}

export interface ResolveDatabaseOptions {
  flagUrl?: string;
  env?: NodeJS.ProcessEnv;
  configUrl?: string;
  appRoot: string;
  log?: (line: string) => void;
}

export async function resolveDatabase(options: ResolveDatabaseOptions): Promise<ResolvedDatabase> {
  const env = options.env ?? process.env;
  const explicit: Array<[DatabaseSource, string | undefined]> = [
    ['flag', options.flagUrl],
    ['environment', env.DATABASE_URL],
    ['config', options.configUrl],
  ];
  for (const [source, url] of explicit) {
    if (!url) continue;
    assertPostgresUrl(url);
    return { url, source, display: maskUrl(url), release: async () => {} };
  }
  const { startEmbeddedDatabase } = await loadEmbeddedDatabase();
  const embedded = await startEmbeddedDatabase(options.appRoot, options.log);
  return {
    url: embedded.url,
    source: 'embedded',
    display: `${maskUrl(embedded.url)} (embedded, data in ${embedded.dataDir})`,
    release: () => embedded.release(),
  };
}
