import { describe, expect, it } from 'vitest';
import { maskSecrets, maskUrl } from '../src/database/connect';

describe('maskUrl', () => {
  it.each([
    ['postgres://u:secret@host:5432/db', 'postgres://u:***@host:5432/db'],
    ['postgres://u@host/db?password=secret', 'postgres://u@host/db?password=***'],
    [
      'postgres://u@host/db?sslmode=require&PASSWORD=secret',
      'postgres://u@host/db?sslmode=require&PASSWORD=***',
    ],
    [
      'postgresql://u:a%40b@host/db?password=x&password=y',
      'postgresql://u:***@host/db?password=***&password=***',
    ],
    ['postgres://u@host/db', 'postgres://u@host/db'],
  ])('masks %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it('masks a URL that does not parse (a malformed % escape) without echoing the password', () => {
    const masked = maskUrl('postgres://user:p%zzsecret@127.0.0.1:1/none');
    expect(masked).not.toContain('zzsecret');
    expect(masked).toContain('user:***@127.0.0.1:1/none');
  });

  it('masks a URL that is not a URL at all by the same rules', () => {
    expect(maskUrl('postgres://u:secret@[bad')).toBe('postgres://u:***@[bad');
  });
});

describe('maskSecrets', () => {
  it('masks URLs and key=value connection strings inside a message', () => {
    const message =
      'connect failed for postgres://u:s3cret@h/db and host=h user=u password=s3cret dbname=db, retry postgres://u@h/db?password=s3cret';
    const masked = maskSecrets(message);
    expect(masked).not.toContain('s3cret');
    expect(masked).toContain('postgres://u:***@h/db');
    expect(masked).toContain('password=***');
  });

  it('masks a quoted key=value password', () => {
    expect(maskSecrets("password='a b c' host=h")).toBe('password=*** host=h');
  });
});
