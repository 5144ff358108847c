/** Reading and editing an app's revision files the way a person does between commands. */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export function revisionFiles(app: string): string[] {
  return readdirSync(join(app, 'migrations'))
    .filter((f) => /^\d{14}_.*\.ts$/.test(f))
    .sort();
}

export function revisionFile(app: string, slug: string): string {
  const name = revisionFiles(app).find((f) => f.includes(slug));
  if (!name) throw new Error(`no revision matching ${slug} in ${app}/migrations`);
  return join(app, 'migrations', name);
}

/** Fills a revision written with `--empty`: the statements go into up(), their reverse into down(). */
export function fillEmptyRevision(file: string, up: readonly string[], down: readonly string[]): void {
  const body = (statements: readonly string[]) =>
    statements.map((sql) => `  await db.query(${JSON.stringify(sql)});`).join('\n');
  const marker = '  // Nothing to do.\n';
  const text = readFileSync(file, 'utf8')
    .replace(marker, `${body(up)}\n`)
    .replace(marker, `${body(down)}\n`);
  writeFileSync(file, text);
}

export function removeRevision(file: string): void {
  rmSync(file);
}

/** The manifest entry file of a revision file: `migrations/manifest/<id>.json`. */
export function manifestEntryFile(revision: string): string {
  return join(revision, '..', 'manifest', basename(revision).replace(/\.ts$/, '.json'));
}

/** The whole manifest of an app's folder as text (every entry file, by name), to compare before and after. */
export function manifestText(app: string): string {
  const dir = join(app, 'migrations', 'manifest');
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .sort()
    .map((name) => `${name}\n${readFileSync(join(dir, name), 'utf8')}`)
    .join('\n');
}
