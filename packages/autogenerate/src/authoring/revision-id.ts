/** Revision ids and file names: `<UTC yyyymmddHHMMSS>_<slug>`, sortable and safe on every file system. */
import { MigratorError } from '@app/migrator';

const MAX_SLUG = 60;

function isControl(character: string): boolean {
  return character.charCodeAt(0) < 0x20;
}

function hasControlCharacter(text: string): boolean {
  return [...text].some(isControl);
}

/** Checks a revision message and turns it into a file-name slug. */
export function slugForMessage(message: string): string {
  const trimmed = message.trim();
  if (trimmed.length === 0) {
    throw new MigratorError(
      'MESSAGE_INVALID',
      'The revision message is empty: pass -m "what this revision changes".',
    );
  }
  if (/[/\\]|\.\./.test(trimmed) || hasControlCharacter(trimmed)) {
    throw new MigratorError(
      'MESSAGE_INVALID',
      `The revision message "${[...trimmed].map((c) => (isControl(c) ? '?' : c)).join('')}" contains a path separator, ".." or a control character: describe the change in words, e.g. -m "add po_number to invoice".`,
      { message: trimmed },
    );
  }
  const slug = trimmed
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/_+$/, '');
  if (slug.length === 0) {
    throw new MigratorError(
      'MESSAGE_INVALID',
      `The revision message "${trimmed}" has no letters or digits: describe the change in words.`,
      {
        message: trimmed,
      },
    );
  }
  return slug;
}

export function timestampForId(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export function newRevisionId(message: string, now = new Date()): string {
  return `${timestampForId(now)}_${slugForMessage(message)}`;
}
