/**
 * Writes a new revision file into a migrations folder and records it in the manifest. Refuses to
 * write into node_modules: framework revisions are written in the framework's own repository.
 */
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  checksumOf,
  handFillLinesOf,
  type Lineage,
  MigratorError,
  type RevisionInfo,
  writeManifestEntry,
} from '@app/migrator';
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

/** A revision rendered and named but not yet in its folder. */
export interface PreparedRevision {
  readonly info: RevisionInfo;
  /** The file's text; `info.checksum` is its checksum. */
  readonly content: string;
}

/**
 * Names and renders a revision without writing anything, so it can be checked (and its checksum
 * known) before the file exists. `saveRevision` writes it.
 */
export function prepareRevision(options: WriteRevisionOptions): PreparedRevision {
  assertWritableMigrationsDir(options.dir);
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
  const info: RevisionInfo = Object.freeze({
    ...header,
    lineage: options.lineage,
    checksum: checksumOf(content),
    file,
    handFillLines: Object.freeze(handFillLinesOf(content)),
    source: content,
  });
  return { info, content };
}

/** Writes a prepared revision's file and adds it to its folder's manifest. */
export function saveRevision({ info, content }: PreparedRevision): void {
  const dir = dirname(info.file);
  mkdirSync(dir, { recursive: true });
  writeFileSync(info.file, content);
  const { id, parents, dependsOn, message, transactional, checksum } = info;
  // Its own entry file: a branch that adds a revision touches no file another branch touches.
  writeManifestEntry(dir, {
    id,
    parents: [...parents],
    dependsOn: [...dependsOn],
    message,
    transactional,
    file: basename(info.file),
    checksum,
  });
}

export function writeRevision(options: WriteRevisionOptions): RevisionInfo {
  const prepared = prepareRevision(options);
  saveRevision(prepared);
  return prepared.info;
}
