/**
 * The text of each revision file as it was when its checksum was verified. Running compiles this
 * text rather than reading the file again, so what runs is exactly what was checked, even if the
 * file changes on disk in between, and a long upgrade reads each file once.
 */
import { readFileSync } from 'node:fs';
import type { RevisionInfo } from './revision';

const verified = new WeakMap<RevisionInfo, string>();

export function rememberVerifiedSource(info: RevisionInfo, text: string): void {
  verified.set(info, text);
}

/** The verified text, or the file as it is now for a revision that was never verified (rehash). */
export function sourceOf(info: RevisionInfo): string {
  return verified.get(info) ?? readFileSync(info.file, 'utf8');
}
