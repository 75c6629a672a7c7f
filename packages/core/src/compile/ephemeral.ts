// Inline ephemeral models as CTEs at the top of a statement, merging with an existing WITH.

export interface Cte {
  name: string;
  sql: string;
}

/** Skip leading whitespace and SQL comments; return the index of the first token. */
function firstTokenIndex(sql: string): number {
  let i = 0;
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else return i;
  }
}

export function injectCtes(sql: string, ctes: readonly Cte[]): string {
  if (ctes.length === 0) return sql;
  const defs = ctes.map((c) => `${c.name} as (\n${c.sql.trim().replace(/;\s*$/, '')}\n)`).join(',\n');
  const start = firstTokenIndex(sql);
  const head = sql.slice(0, start);
  const rest = sql.slice(start);
  const m = /^with(\s+recursive)?\s+/i.exec(rest);
  if (m) return `${head}with${m[1] ?? ''} ${defs},\n${rest.slice(m[0].length)}`;
  return `${head}with ${defs}\n${rest}`;
}
