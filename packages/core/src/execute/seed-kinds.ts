// dbt's seed type inference (agate's rules, as dbt-postgres applies them) over single values, in
// JavaScript: the same tests as the Postgres dialect's SQL (`fits` in postgres-dialect.ts), so the
// copy path can type columns from a sample before loading and adapters can check every value while
// streaming (CsvCopyOptions.kinds). Plus the sample itself: the first rows of a seed file, split as
// PostgreSQL's COPY (FORMAT csv) splits them.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { SeedColumnKind } from '../adapter/types.js';

/** dbt's kinds in the order it tries them (`text` is what fits when none does). */
const SEED_KINDS = ['integer', 'number', 'date', 'timestamp', 'boolean'] as const;

/** Rows a sample reads by default (the SQL sample's LIMIT, too). */
export const SEED_SAMPLE_ROWS = 1000;

/** How an error from `Connection.copyCsv` with `kinds` starts when a value does not fit its column's kind. */
export const SEED_SAMPLE_MISMATCH = 'seed sample mismatch:';

const utf8 = new TextEncoder();

/** A field dbt reads as NULL: empty, or the strings null, NULL, Null. */
export function isSeedNull(value: string): boolean {
  return value === '' || value === 'null' || value === 'NULL' || value === 'Null';
}

/**
 * A non-null value fits `kind` by dbt's rules as tsdbt's Postgres SQL tests them:
 *  - integer: `^[+-]?[0-9]+$` within int4 (-2147483648 … 2147483647);
 *  - number: `^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$` (no exponent, no NaN, no spaces);
 *  - date: `YYYY-MM-DD` that exists (year 1 onwards, leap years);
 *  - timestamp: such a date, then ` HH:MM:SS` or `THH:MM[:SS[.f…]]`, hours ≤ 23, minutes and seconds ≤ 59;
 *  - boolean: true or false in any case;
 *  - text: anything.
 */
export function fitsSeedKind(value: string, kind: SeedColumnKind): boolean {
  if (kind === 'text') return true;
  const bytes = utf8.encode(value);
  return fitsSeedKindBytes(bytes, 0, bytes.length, kind);
}

/**
 * `fitsSeedKind` for the UTF-8 bytes of a value, `bytes[start, end)` (a field in a chunk of a file,
 * say). Only ASCII takes part in any kind, and no byte of a multi-byte UTF-8 character is ASCII, so
 * this is the test of the decoded value. Bytes rather than a string: element reads of a typed array
 * stay fast where string methods do not (a process that loads nunjucks has String.prototype in
 * dictionary mode, which makes every charCodeAt a slow call).
 */
export function fitsSeedKindBytes(bytes: Uint8Array, start: number, end: number, kind: SeedColumnKind): boolean {
  switch (kind) {
    case 'integer':
      return isInteger(bytes, start, end);
    case 'number':
      return isNumber(bytes, start, end);
    case 'date':
      return end - start === 10 && isDate(bytes, start);
    case 'timestamp':
      return isTimestamp(bytes, start, end);
    case 'boolean':
      return isBoolean(bytes, start, end);
    case 'text':
      return true;
  }
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const COLON = 58;

function isInteger(s: Uint8Array, start: number, end: number): boolean {
  let i = start;
  const first = s[i]!;
  if (first === PLUS || first === MINUS) i++;
  if (i >= end) return false;
  for (let j = i; j < end; j++) if (!isDigit(s[j]!)) return false;
  // As the SQL: fewer than 10 characters always fit int4; more than 12 never do (even with leading zeros).
  const length = end - start;
  if (length < 10) return true;
  if (length > 12) return false;
  let n = 0;
  for (let j = i; j < end; j++) n = n * 10 + (s[j]! - 48);
  return first === MINUS ? n <= 2147483648 : n <= 2147483647;
}

function isNumber(s: Uint8Array, start: number, end: number): boolean {
  let i = start;
  const first = s[i];
  if (first === PLUS || first === MINUS) i++;
  const intStart = i;
  while (i < end && isDigit(s[i]!)) i++;
  if (i > intStart) {
    if (i < end && s[i] === DOT) i++;
    while (i < end && isDigit(s[i]!)) i++;
    return i === end;
  }
  if (i >= end || s[i] !== DOT) return false;
  i++;
  const fracStart = i;
  while (i < end && isDigit(s[i]!)) i++;
  return i > fracStart && i === end;
}

/** `n` digits at `at` as a number, or -1. */
function digitsAt(s: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let j = at; j < at + n; j++) {
    const c = s[j]!;
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` at `at` (10 bytes, the caller checks there are) is a day that exists, year 1 onwards. */
function isDate(s: Uint8Array, at: number): boolean {
  if (s[at + 4] !== MINUS || s[at + 7] !== MINUS) return false;
  const y = digitsAt(s, at, 4);
  const m = digitsAt(s, at + 5, 2);
  const d = digitsAt(s, at + 8, 2);
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  if (d <= 28) return true;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!);
}

function isTimestamp(s: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length < 16 || !isDate(s, start)) return false;
  const sep = s[start + 10];
  if (sep === 32) {
    // ` HH:MM:SS` and nothing after
    if (length !== 19) return false;
  } else if (sep === 84) {
    // `THH:MM`, then `:SS`, then `.f…`
    if (length !== 16) {
      if (length < 19 || s[start + 16] !== COLON) return false;
      if (length !== 19) {
        if (length < 21 || s[start + 19] !== DOT) return false;
        for (let j = start + 20; j < end; j++) if (!isDigit(s[j]!)) return false;
      }
    }
  } else return false;
  if (s[start + 13] !== COLON) return false;
  const h = digitsAt(s, start + 11, 2);
  const min = digitsAt(s, start + 14, 2);
  const sec = length === 16 ? 0 : digitsAt(s, start + 17, 2);
  return h >= 0 && h <= 23 && min >= 0 && min <= 59 && sec >= 0 && sec <= 59;
}

const TRUE = [116, 114, 117, 101];
const FALSE = [102, 97, 108, 115, 101];

/** true or false in any case (ASCII letters only: nothing else lowers to them). */
function isBoolean(s: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  const word = length === 4 ? TRUE : length === 5 ? FALSE : undefined;
  if (!word) return false;
  for (let j = 0; j < length; j++) if ((s[start + j]! | 0x20) !== word[j]) return false;
  return true;
}

/**
 * The kind dbt would give each column from the first `rows` data rows of a seed file: the first kind
 * in dbt's order that every non-null value fits, `text` when none does, `undefined` when the column
 * has no non-null value in those rows. Keyed by `columns` (the file's columns, in order).
 *
 * Rows are split as PostgreSQL's COPY (FORMAT csv, QUOTE and ESCAPE `"`) splits them: a quote opens or
 * closes a quoted section anywhere in a field, `""` inside one is a quote, records end at \n, \r\n or
 * \r outside quotes, the first record is the header. Sampling stops early at a record COPY would
 * reject for its field count (the load fails there anyway) and at COPY's end-of-data line `\.`.
 * Every value sampled is a value of the loaded table, so a kind checked against every row afterwards
 * is the kind dbt infers from the whole file, whatever the sample.
 */
export function sampleSeedKinds(file: string, delimiter: string, columns: readonly string[], rows: number = SEED_SAMPLE_ROWS): Record<string, SeedColumnKind | undefined> {
  // For each column, the kinds every value so far fits (in dbt's order), and whether it had a value.
  const fitting: Array<Array<(typeof SEED_KINDS)[number]>> = columns.map(() => [...SEED_KINDS]);
  const seen: boolean[] = columns.map(() => false);
  let records = 0;
  readCopyRecords(file, delimiter, (fields, plain) => {
    if (records++ === 0) return true; // the header
    if (fields.length !== columns.length) return false;
    if (plain && fields.length === 1 && fields[0] === '\\.') return false;
    for (let c = 0; c < fields.length; c++) {
      const v = fields[c]!;
      if (isSeedNull(v)) continue;
      seen[c] = true;
      if (fitting[c]!.length === 0) continue;
      const bytes = utf8.encode(v);
      fitting[c] = fitting[c]!.filter((k) => fitsSeedKindBytes(bytes, 0, bytes.length, k));
    }
    return records <= rows;
  });
  return Object.fromEntries(columns.map((name, c) => [name, seen[c] ? (fitting[c]![0] ?? 'text') : undefined]));
}

const CHUNK = 1 << 16;

/**
 * Calls `onRecord(fields, plain)` for each record of the file as COPY splits it (`plain`: no quote
 * in it), until it returns false or the file ends. A UTF-8 byte order mark is skipped.
 */
function readCopyRecords(file: string, delimiter: string, onRecord: (fields: string[], plain: boolean) => boolean): void {
  const decoder = new StringDecoder('utf8');
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let afterQuote = false; // a quote just closed a quoted section; a second one is a literal quote
  let plain = true;
  let skipLf = false;
  let bom = true;
  let stopped = false;
  const endRecord = () => {
    fields.push(field);
    stopped = !onRecord(fields, plain);
    fields = [];
    field = '';
    plain = true;
  };
  const feed = (text: string) => {
    for (let i = 0; i < text.length && !stopped; i++) {
      const c = text[i]!;
      if (bom) {
        bom = false;
        if (c === '\uFEFF') continue;
      }
      if (skipLf) {
        skipLf = false;
        if (c === '\n') continue;
      }
      if (afterQuote) {
        afterQuote = false;
        if (c === '"') {
          field += '"';
          inQuotes = true;
          continue;
        }
      }
      if (inQuotes) {
        if (c === '"') {
          inQuotes = false;
          afterQuote = true;
        } else field += c;
      } else if (c === '"') {
        inQuotes = true;
        plain = false;
      } else if (c === delimiter[0] && text.startsWith(delimiter, i)) {
        fields.push(field);
        field = '';
        i += delimiter.length - 1;
      } else if (c === '\n' || c === '\r') {
        endRecord();
        skipLf = c === '\r';
      } else field += c;
    }
  };
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      feed(decoder.write(buf.subarray(0, n)));
      if (stopped) return;
    }
    feed(decoder.end());
    // A last record without a line break (an unclosed quote is COPY's error to report, not ours).
    if (!stopped && !inQuotes && (fields.length > 0 || field !== '' || !plain)) endRecord();
  } finally {
    closeSync(fd);
  }
}
