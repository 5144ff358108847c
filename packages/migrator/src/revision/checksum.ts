/** Checksums of revision files; line endings are normalised so a Windows checkout hashes the same. */
import { createHash, hash } from 'node:crypto';

/**
 * SHA-256 of the text's UTF-8 bytes, in hex. Reading a folder hashes every file: one `crypto.hash`
 * call (Node 20.12 and later) costs less than building a Hash stream object per file, and gives
 * the same digest; where it is missing, the Hash object it replaces.
 */
const sha256Hex: (text: string) => string =
  typeof hash === 'function'
    ? (text) => hash('sha256', text, 'hex')
    : (text) => createHash('sha256').update(text).digest('hex');

export function checksumOf(content: string): string {
  // Most files have no CR at all: skip the replace's scan and copy (same bytes hashed either way).
  const normalised = content.includes('\r') ? content.replace(/\r\n/g, '\n') : content;
  return sha256Hex(normalised);
}
