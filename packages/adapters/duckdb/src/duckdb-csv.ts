// Seeds on DuckDB: SQL that reads a CSV with read_csv, set up to infer what dbt infers, and the
// meaning of DuckDB's CSV errors. Pure string building, used by DuckDBDialect.
import type { ColumnMeta, CsvErrorInfo, CsvReadOptions, RelationRef, SeedColumnKind } from '@tsdbt/core';

interface Quoting {
  quoteIdentifier(id: string): string;
  relationName(rel: RelationRef): string;
  stringLiteral(value: string): string;
}

/** dbt-duckdb's types for dbt's inferred kinds (dbt's SQLAdapter defaults: integer, float8, date, timestamp, boolean, text). */
export const DUCKDB_SEED_TYPES: Readonly<Record<SeedColumnKind, string>> = Object.freeze({
  integer: 'INTEGER',
  number: 'DOUBLE',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  boolean: 'BOOLEAN',
  text: 'VARCHAR',
});

/**
 * `SELECT * FROM read_csv(…)` with every option that matters set explicitly, so nothing depends on
 * what the sniffer guesses from a sample:
 * - dialect: `delim` as configured, quote and escape `"` (RFC 4180, as Python's csv module reads
 *   dbt seeds); no comment lines (the sniffer would otherwise drop rows starting with `#`), no
 *   skipped lines, no hive partition columns from a path like `seeds/year=2024/x.csv`;
 * - strictness: `strict_mode`, no `null_padding`, no `ignore_errors` — a ragged row or an
 *   unterminated quote fails the load instead of being padded or skipped;
 * - types, as close to dbt's agate inference as the sniffer gets: empty, `null`, `NULL` are NULL;
 *   INTEGER is tried before BIGINT (dbt-duckdb creates `integer` columns); no TIME (dbt reads
 *   `12:30:00` as text) and no TIMESTAMP: timestamp columns load as VARCHAR and `inferSeedKinds`
 *   types them with dbt's formats (`%Y-%m-%d %H:%M:%S`, ISO 8601 with `T`), as it does leading-zero
 *   numbers (`00123`), which the sniffer keeps as text. Dates only as `%Y-%m-%d` (dbt's format:
 *   `01/02/2024` stays text) — unless `column_types` are given, because DuckDB applies a date format
 *   to every DATE column, declared ones too, and a declared `date` column may hold `2024/01/02`.
 *   Known differences left: `t`/`f`, `yes`/`no` load as BOOLEAN (dbt: text); a column of integers
 *   that do not fit INTEGER is BIGINT (dbt-duckdb fails to insert them); a column with no values
 *   is VARCHAR (dbt: integer).
 * The path is a glob pattern to read_csv: a seed file name containing `*`, `?` or `[` is not supported.
 */
export function selectFromCsv(q: Quoting, file: string, options: CsvReadOptions): string {
  const args = [
    q.stringLiteral(file),
    `header = ${options.header ? 'true' : 'false'}`,
    `delim = ${q.stringLiteral(options.delimiter)}`,
    `quote = '"'`,
    `escape = '"'`,
    `comment = ''`,
    `skip = 0`,
    `strict_mode = true`,
    `null_padding = false`,
    `ignore_errors = false`,
    `hive_partitioning = false`,
    `nullstr = ['', 'null', 'NULL', 'Null']`,
    `auto_type_candidates = ['BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'DATE', 'VARCHAR']`,
  ];
  const types = Object.entries(options.columnTypes);
  if (types.length > 0) args.push(`types = {${types.map(([name, type]) => `${q.stringLiteral(name)}: ${q.stringLiteral(type)}`).join(', ')}}`);
  else args.push(`dateformat = '%Y-%m-%d'`);
  if (options.wholeFile) args.push('sample_size = -1');
  return `SELECT * FROM read_csv(${args.join(', ')})`;
}

// dbt's agate rules as SQL predicates over a VARCHAR value `v` (non-null).
const INTEGER_RE = '[+-]?[0-9]+';
const NUMBER_RE = '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)';
const DATE_RE = '[0-9]{4}-[0-9]{2}-[0-9]{2}';
// `%Y-%m-%d %H:%M:%S` exactly, or ISO 8601 with a `T` (fraction allowed), as dbt's agate types read them.
const TIMESTAMP_RE = `${DATE_RE}( [0-9]{2}:[0-9]{2}:[0-9]{2}|T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)`;

/** For each column: `CASE WHEN every value fits integer THEN 'integer' WHEN … ELSE 'text' END`. */
export function inferSeedKinds(q: Quoting, rel: RelationRef, columns: readonly string[], limit?: number): string {
  if (columns.length === 0) throw new RangeError('inferSeedKinds needs at least one column');
  const every = (v: string, test: string) => `bool_and(${v} IS NULL OR (${test}))`;
  const kinds = columns.map((c) => {
    const v = q.quoteIdentifier(c);
    const fits = (re: string, cast?: string) => every(v, `regexp_full_match(${v}, '${re}')${cast ? ` AND TRY_CAST(${v} AS ${cast}) IS NOT NULL` : ''}`);
    return [
      `CASE WHEN count(${v}) = 0 THEN 'text'`,
      `  WHEN ${fits(INTEGER_RE, 'INTEGER')} THEN 'integer'`,
      `  WHEN ${fits(NUMBER_RE, 'DOUBLE')} THEN 'number'`,
      `  WHEN ${fits(DATE_RE, 'DATE')} THEN 'date'`,
      `  WHEN ${fits(TIMESTAMP_RE, 'TIMESTAMP')} THEN 'timestamp'`,
      `  WHEN ${every(v, `lower(${v}) IN ('true', 'false')`)} THEN 'boolean'`,
      `  ELSE 'text' END AS ${v}`,
    ].join('\n');
  });
  const from = `SELECT ${columns.map((c) => q.quoteIdentifier(c)).join(', ')} FROM ${q.relationName(rel)}${limit === undefined ? '' : ` LIMIT ${checkLimit(limit)}`}`;
  return `SELECT\n${kinds.join(',\n')}\nFROM (${from}) AS __tsdbt_seed`;
}

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return limit;
}

/** DuckDB preserves the case of unquoted identifiers, so `quoteColumns: false` only matters for names that need quotes (kept quoted). */
export function createTable(q: Quoting, rel: RelationRef, columns: readonly ColumnMeta[], _options: { quoteColumns: boolean }): string {
  if (columns.length === 0) throw new RangeError('a table needs at least one column');
  return `CREATE TABLE ${q.relationName(rel)} (${columns.map((c) => `${q.quoteIdentifier(c.name)} ${c.type}`).join(', ')})`;
}

/**
 * DuckDB's CSV errors, e.g. `Invalid Input Error: CSV Error on Line: 4\nOriginal Line: 4,5\nExpected
 * Number of Columns: 3 Found: 2\n…`, `Conversion Error: CSV Error on Line: 50002 … Could not convert
 * string "zz" to 'INTEGER' … This type was auto-detected from the CSV file.`, and the sniffer's
 * `Error when sniffing file "…"` (small files: no line; core then finds it itself).
 */
export function explainCsvError(message: string): CsvErrorInfo | undefined {
  const sniff = /Error when sniffing file/.test(message);
  const lineMatch = /CSV Error on Line: (\d+)/.exec(message);
  if (!sniff && !lineMatch && !/COLUMN_TYPES error/.test(message)) return undefined;
  const line = lineMatch ? Number(lineMatch[1]) : undefined;
  const original = /Original Line: (.*)/.exec(message)?.[1];
  const snippet = original ? `: ${truncate(original.trim(), 80)}` : '';
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  const convert = /Error when converting column "((?:[^"]|"")*)"\. Could not convert string "((?:[^"]|"")*)" to '([^']+)'/.exec(message);
  let reason: string;
  if (columns) reason = `row has ${columns[2]} ${columns[2] === '1' ? 'field' : 'fields'}, the header has ${columns[1]}${snippet}`;
  else if (convert) reason = `value "${truncate(convert[2]!, 40)}" in column \`${convert[1]}\` is not a valid ${convert[3]}`;
  else if (/unterminated quote/i.test(message)) reason = `unterminated quoted value${snippet}`;
  else if (sniff) reason = 'the file cannot be read as CSV with this delimiter and `"` quotes (a ragged row or a stray quote?)';
  else reason = message.split('\n')[0]!.replace(/^[A-Za-z ]+ Error: /, '');
  return { line, reason, sampledTypeMismatch: /This type was auto-detected from the CSV file/.test(message) };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
