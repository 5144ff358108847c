/** Checksums of revision files; line endings are normalised so a Windows checkout hashes the same. */
import { createHash } from 'node:crypto';

export function checksumOf(content: string): string {
  return createHash('sha256').update(content.replace(/\r\n/g, '\n')).digest('hex');
}
