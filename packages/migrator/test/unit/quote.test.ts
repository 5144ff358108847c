import { describe, expect, it } from 'vitest';
import { inlineParameters, quoteIdent, quoteLiteral, quoteTable } from '../../src/sql/quote';

describe('quoteIdent', () => {
  it('wraps a name in double quotes, doubling any inside it', () => {
    expect(quoteIdent('invoice')).toBe('"invoice"');
    expect(quoteIdent('Mixed Case')).toBe('"Mixed Case"');
    expect(quoteIdent('a"b""c')).toBe('"a""b""""c"');
    expect(quoteIdent('')).toBe('""');
  });
});

describe('quoteTable', () => {
  it('quotes a public table as one identifier', () => {
    expect(quoteTable('invoice')).toBe('"invoice"');
  });

  it('quotes schema and table separately, splitting at the first dot', () => {
    expect(quoteTable('billing.invoice')).toBe('"billing"."invoice"');
    expect(quoteTable('billing.in.voice')).toBe('"billing"."in.voice"');
    expect(quoteTable('we"ird.ta"ble')).toBe('"we""ird"."ta""ble"');
  });
});

describe('quoteLiteral', () => {
  it('writes NULL for null and undefined', () => {
    expect(quoteLiteral(null)).toBe('NULL');
    expect(quoteLiteral(undefined)).toBe('NULL');
  });

  it('writes numbers and bigints bare', () => {
    expect(quoteLiteral(42)).toBe('42');
    expect(quoteLiteral(-1.5)).toBe('-1.5');
    expect(quoteLiteral(12345678901234567890n)).toBe('12345678901234567890');
  });

  it('writes booleans as TRUE and FALSE', () => {
    expect(quoteLiteral(true)).toBe('TRUE');
    expect(quoteLiteral(false)).toBe('FALSE');
  });

  it('writes a string in single quotes, doubling any inside it', () => {
    expect(quoteLiteral('plain')).toBe("'plain'");
    expect(quoteLiteral("it's o'clock")).toBe("'it''s o''clock'");
    expect(quoteLiteral('')).toBe("''");
  });

  it('writes a date as its ISO timestamp', () => {
    expect(quoteLiteral(new Date('2024-03-01T12:00:00.000Z'))).toBe("'2024-03-01T12:00:00.000Z'");
  });

  it('writes an array as a text array of quoted elements', () => {
    expect(quoteLiteral(['a', "b'c", null, 3])).toBe("ARRAY['a', 'b''c', NULL, 3]::text[]");
    expect(quoteLiteral([])).toBe('ARRAY[]::text[]');
  });

  it('writes any other value through its string form', () => {
    expect(quoteLiteral({ toString: () => "o'k" })).toBe("'o''k'");
  });
});

describe('inlineParameters', () => {
  it('replaces $1…$n with the literals of the parameters', () => {
    expect(inlineParameters('INSERT INTO "t" VALUES ($1, $2, $3)', ["it's", 7, null])).toBe(
      `INSERT INTO "t" VALUES ('it''s', 7, NULL)`,
    );
  });

  it('replaces a parameter used twice, and two-digit positions as one number', () => {
    const parameters = [...'abcdefghijk'];
    expect(inlineParameters('SELECT $1, $1, $11', parameters)).toBe("SELECT 'a', 'a', 'k'");
  });

  it('leaves a placeholder without a parameter as it is', () => {
    expect(inlineParameters('SELECT $1, $2', ['x'])).toBe("SELECT 'x', $2");
    expect(inlineParameters('SELECT $1')).toBe('SELECT $1');
    expect(inlineParameters('SELECT $0', ['x'])).toBe('SELECT $0');
  });
});
