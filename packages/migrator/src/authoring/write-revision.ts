/**
 * Writes a new revision file into a migrations folder and records it in the manifest. Refuses to
 * write into node_modules: framework revisions are written in the framework's own repository.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MigratorError } from '../errors';
import { checksumOf } from '../revision/checksum';
import { readManifest, writeManifest } from '../revision/manifest';
import type { Lineage, RevisionInfo } from '../revision/revision';
import { type RenderedStatement, type RevisionFormat, renderRevision } from './render-revision';
import { newRevisionId } from './revision-id';

export interface WriteRevisionOptions {
  dir: string;
  lineage: Lineage;
  message: string;
  parents: readonly string[];
  dependsOn?: readonly string[];
  up: readonly RenderedStatement[];
  down: readonly RenderedStatement[];
  notes?: readonly string[];
  transactional?: boolean;
  format?: RevisionFormat;
  now?: Date;
}

export function assertWritableMigrationsDir(dir: string): void {
  const real = existsSync(dir) ? realpathSync(dir) : resolve(dir);
  if (real.split(/[/\\]/).includes('node_modules')) {
    throw new MigratorError(
      'WRITE_INTO_NODE_MODULES',
      `Refusing to write a revision into ${real}: it is inside node_modules. Framework revisions are written in the framework's repository; app revisions go in your app's migrations folder.`,
      { dir: real },
    );
  }
}

export function writeRevision(options: WriteRevisionOptions): RevisionInfo {
  assertWritableMigrationsDir(options.dir);
  mkdirSync(options.dir, { recursive: true });
  const id = newRevisionId(options.message, options.now);
  const format = options.format ?? 'ts';
  const file = join(options.dir, `${id}.${format}`);
  if (existsSync(file)) {
    throw new MigratorError(
      'DUPLICATE_REVISION_ID',
      `${file} already exists: wait a second or change the message.`,
      { file },
    );
  }
  const header = {
    id,
    parents: [...options.parents],
    dependsOn: [...(options.dependsOn ?? [])],
    message: options.message.trim(),
    transactional: options.transactional ?? true,
  };
  const content = renderRevision(
    {
      header,
      up: options.up,
      down: options.down,
      notes: options.notes,
      generatedAt: options.now ?? new Date(),
    },
    format,
  );
  writeFileSync(file, content);
  const checksum = checksumOf(readFileSync(file, 'utf8'));
  const manifest = readManifest(options.dir, options.lineage);
  manifest.revisions.push({ ...header, file: `${id}.${format}`, checksum });
  writeManifest(options.dir, manifest);
  return Object.freeze({ ...header, lineage: options.lineage, checksum, file });
}
