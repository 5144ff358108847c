/** The one place identifiers and literals are turned into SQL text. */

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`, or `"table"` for the public schema. */
export function quoteTable(table: string): string {
  const dot = table.indexOf('.');
  return dot < 0
    ? quoteIdent(table)
    : `${quoteIdent(table.slice(0, dot))}.${quoteIdent(table.slice(dot + 1))}`;
}

export function quoteLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (Array.isArray(value)) return `ARRAY[${value.map(quoteLiteral).join(', ')}]::text[]`;
  if (value instanceof Date) return quoteLiteral(value.toISOString());
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** Replaces `$1…$n` with literals, for SQL shown to people rather than sent with parameters. */
export function inlineParameters(sql: string, parameters: readonly unknown[] = []): string {
  return sql.replace(/\$(\d+)/g, (match, index: string) => {
    const position = Number(index) - 1;
    return position >= 0 && position < parameters.length ? quoteLiteral(parameters[position]) : match;
  });
}
