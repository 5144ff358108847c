/**
 * Keeps passwords out of everything dazzle prints: the "Database:" line, error messages that echo
 * a URL or a pg connection string, and --json error details. A password can sit in a URL's
 * userinfo (`postgres://u:secret@h/db`), in its query (`?password=secret`), or in a key=value
 * connection string (`host=h password=secret`); each form is masked as `***`.
 */

const MASK = '***';

/** `scheme://user:PASSWORD@` — the password stops at the first @, /, ?, # or space. */
const USERINFO_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/?#"'`]*:)[^\s@/?#"'`]*(@)/gi;

/** `password=…`, `sslpassword=…` in a query or a key=value string; quoted values included. */
const KEY_VALUE_PASSWORD = /(\b\w*password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&"'`,;)]+)/gi;

/** `"password": "…"` in echoed JSON or object dumps. */
const JSON_PASSWORD = /("\w*password"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi;

/**
 * Masks every password in a piece of text.
 *
 * @example
 * maskSecrets('connect to postgres://app:s3cret@db/app failed'); // 'connect to postgres://app:***@db/app failed'
 */
export function maskSecrets(text: string): string {
  return text
    .replace(USERINFO_PASSWORD, `$1${MASK}$2`)
    .replace(KEY_VALUE_PASSWORD, `$1${MASK}`)
    .replace(JSON_PASSWORD, `$1${MASK}$3`);
}

/**
 * A database URL safe to print: the userinfo password and every `password=` query parameter masked.
 *
 * @example
 * maskUrl('postgres://app:s3cret@db:5432/app?sslmode=require'); // 'postgres://app:***@db:5432/app?sslmode=require'
 */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return maskSecrets(url);
  }
  if (parsed.password) parsed.password = MASK;
  return maskSecrets(parsed.toString());
}
