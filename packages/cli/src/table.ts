// Rows as a plain text table for `show`.
export function formatTable(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const body = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...body.map((r) => r[i]!.length))));
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const line = (cells: string[]) => `| ${cells.map((s, i) => fit(s, widths[i]!)).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line([...columns]), sep, ...body.map(line)].join('\n');
}

/** RFC 4180 CSV with a header line: fields with a comma, quote or line break are quoted (quotes doubled); NULL is an empty field, an empty string `""`. Lines end with LF. */
/**
 * Numbers of fixed-scale columns (`DECIMAL(14,2)`, `numeric(14,2)`) as text with their scale:
 * the drivers return exact decimals as JS numbers, which would print `1724.00` as `1724`.
 */
export function withDecimalScale(columns: readonly { name: string; type: string }[], rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const scaled = columns.flatMap((c) => {
    const m = /^(?:decimal|numeric)\(\s*\d+\s*,\s*(\d+)\s*\)$/i.exec(c.type.trim());
    return m && Number(m[1]) > 0 ? [[c.name, Number(m[1])] as const] : [];
  });
  if (scaled.length === 0) return rows as Record<string, unknown>[];
  return rows.map((r) => {
    const out = { ...r };
    for (const [name, scale] of scaled) if (typeof out[name] === 'number') out[name] = (out[name] as number).toFixed(scale);
    return out;
  });
}

export function formatCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const field = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return s === '' || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [columns.map(field).join(','), ...rows.map((r) => columns.map((c) => field(r[c])).join(','))].join('\n');
}

/** dbt's `show --output json`: `{"node": <name>, "show": [rows]}`, pretty-printed. */
export function formatShowJson(node: string, rows: readonly Record<string, unknown>[]): string {
  return JSON.stringify({ node, show: rows }, null, 2);
}
