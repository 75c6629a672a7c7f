// Small SQL text utilities shared by dialects.

/**
 * Remove statement terminators (`;`) that end the SQL, keeping any trailing comments, and trim
 * trailing whitespace. Semicolons inside strings, quoted identifiers, dollar-quoted strings and
 * comments are left alone.
 */
export function stripTrailingSemicolons(sql: string): string {
  let lastSignificantEnd = 0; // index just past the last significant char that is not `;`
  let trailingSemicolons: number[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i);
    } else if (c === ';') {
      trailingSemicolons.push(i);
      i += 1;
    } else if (/\s/.test(c)) {
      i += 1;
    } else {
      i = skipToken(sql, i);
      lastSignificantEnd = i;
      trailingSemicolons = [];
    }
  }
  let out = sql.slice(0, lastSignificantEnd);
  let from = lastSignificantEnd;
  for (const pos of trailingSemicolons) {
    out += sql.slice(from, pos);
    from = pos + 1;
  }
  return (out + sql.slice(from)).trimEnd();
}

/** Skip a nested `/* … *\/` comment starting at `start`; returns the index after it. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

/** Skip one significant token (string, quoted identifier, dollar string or single char). */
function skipToken(sql: string, start: number): number {
  const c = sql[start]!;
  if (c === "'" || c === '"') {
    const escapesBackslash = c === "'" && start > 0 && /[eE]/.test(sql[start - 1]!) && !/[\w$]/.test(sql[start - 2] ?? ' ');
    let i = start + 1;
    while (i < sql.length) {
      const ch = sql[i]!;
      if (escapesBackslash && ch === '\\') i += 2;
      else if (ch === c && sql[i + 1] === c) i += 2;
      else if (ch === c) return i + 1;
      else i += 1;
    }
    return sql.length;
  }
  if (c === '$') {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start, start + 100));
    if (tag) {
      const end = sql.indexOf(tag[0], start + tag[0].length);
      return end === -1 ? sql.length : end + tag[0].length;
    }
  }
  return start + 1;
}
