/** A throwaway app (config + generated revisions) around the fixture entities, and ways to run it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateRevision } from '@app/autogenerate';
import { buildMetadata, type LoadedConfig, loadConfig } from '@app/migrator';
import { makeTempDir } from '@app/testing';

export const FIXTURE_ENTITIES = join(__dirname, '..', 'fixtures', 'widget');
export const ADMIN_TOKEN = 'test-admin-token';

export async function createServerApp(
  serverUrl: string,
  options: {
    emptyDatabase?: 'create-all' | 'replay';
    /** Extra TypeScript put before the config (imports, plugin functions). */
    preamble?: string;
    /** Extra keys of `server: { … }`, as TypeScript source. */
    server?: string;
  } = {},
): Promise<LoadedConfig> {
  const root = makeTempDir('dazzle-server-app-');
  writeFileSync(
    join(root, 'dazzle.config.ts'),
    `import { Maker, Widget } from ${JSON.stringify(FIXTURE_ENTITIES)};
${options.preamble ?? ''}
export default {
  entities: [Maker, Widget],
  migrations: { dir: 'migrations' },
  emptyDatabase: ${JSON.stringify(options.emptyDatabase ?? 'replay')},
  server: { adminToken: ${JSON.stringify(ADMIN_TOKEN)}, ${options.server ?? ''} },
  version: '1.0.0',
};
`,
  );
  writeFileSync(join(root, 'package.json'), '{ "name": "server-fixture", "version": "1.0.0" }\n');
  const config = await loadConfig({ cwd: root });
  await generateRevision({
    serverUrl,
    sources: config.sources,
    metadata: buildMetadata({ entities: config.config.entities }),
    lineage: 'app',
    message: 'widgets and makers',
  });
  return config;
}

export interface ServeProcess {
  child: ChildProcess;
  /** Resolves with the URL once the process prints that it listens, or rejects with its output when it exits first. */
  ready: Promise<string>;
  exited: Promise<{ code: number | null; output: string }>;
}

export function serveProcess(
  configFile: string,
  databaseUrl: string,
  extraArgs: string[] = [],
): ServeProcess {
  const child = spawn(
    process.execPath,
    [join(__dirname, 'serve-process.cjs'), configFile, databaseUrl, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, output })),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /LISTENING (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code }) => reject(new Error(`exited ${code} before listening: ${output}`)));
  });
  ready.catch(() => {});
  return { child, ready, exited };
}
