/**
 * An app whose only lineage is a chain of revisions written straight to its migrations folder (no
 * entities, no framework lineage): what the lock and fleet suites run many processes against.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRevision } from '@app/autogenerate';
import { createTempApp } from './temp-app';

export interface ChainRevision {
  message: string;
  up: string[];
  transactional?: boolean;
}

let clock = Date.UTC(2026, 5, 1);

/** The config file of such an app; `database` is spliced in as written (e.g. a directUrl). */
export function chainConfig(database = ''): string {
  const extra = database ? `, database: ${database}` : '';
  return `export default { entities: [], framework: { enabled: false }, migrations: { dir: 'migrations' }${extra} };\n`;
}

/** Appends revisions to the app's chain and returns their ids. */
export function appendRevisions(
  app: string,
  after: string | undefined,
  specs: readonly ChainRevision[],
): string[] {
  const ids: string[] = [];
  let parent = after;
  for (const spec of specs) {
    clock += 1000;
    const id = writeRevision({
      dir: join(app, 'migrations'),
      lineage: 'app',
      message: spec.message,
      parents: parent ? [parent] : [],
      up: spec.up.map((sql) => ({ sql })),
      down: [],
      transactional: spec.transactional ?? true,
      format: 'ts',
      now: new Date(clock),
    }).id;
    ids.push(id);
    parent = id;
  }
  return ids;
}

/** A new app with these revisions, in order. */
export function chainApp(specs: readonly ChainRevision[]): { app: string; ids: string[] } {
  const app = createTempApp();
  mkdirSync(join(app, 'migrations'));
  writeFileSync(join(app, 'dazzle.config.ts'), chainConfig());
  return { app, ids: appendRevisions(app, undefined, specs) };
}
