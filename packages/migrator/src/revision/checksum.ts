/** Checksums of revision files; line endings are normalised so a Windows checkout hashes the same. */
import { createHash } from 'node:crypto';

export function checksumOf(content: string): string {
  // Most files have no CR at all: skip the replace's scan and copy (same bytes hashed either way).
  const normalised = content.includes('\r') ? content.replace(/\r\n/g, '\n') : content;
  return createHash('sha256').update(normalised).digest('hex');
}
