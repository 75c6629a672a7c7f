// The bytes of a seed CSV on their way into `COPY … FROM STDIN (FORMAT csv)`: dbt's null strings are
// blanked (COPY's FORCE_NULL then makes them NULL in columns of any type), and with
// CsvCopyOptions.kinds every value of a typed column is checked against its kind before the server
// sees its row. The layout is kept (header, line breaks), so COPY's line numbers stay the file's.
//
// Fields are split as COPY splits them: a quote opens or closes a quoted section anywhere in a field,
// records end at \n, \r\n or \r outside quotes. The scan reads the chunk's bytes themselves: only
// ASCII takes part in the syntax and in every kind's rule, and in UTF-8 no byte of a multi-byte
// character is ASCII, so the split and the checks are those of the decoded text, and the chunk goes on
// to COPY as it came (no decoding and re-encoding), cut only around blanked fields. Bytes also keep
// the loop fast where string methods are slow calls (see fitsSeedKindBytes).
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { SEED_SAMPLE_MISMATCH, fitsSeedKindBytes } from '@tsdbt/core';
import type { CsvCopyOptions, SeedColumnKind } from '@tsdbt/core';

const LF = 10;
const CR = 13;
const QUOTE = 34;

/**
 * `null`, `NULL` or `Null` at `at` (the caller checks the field is 4 bytes, or 6 with quotes around):
 * the fields read as NULL besides empty ones, quoted or not, as DuckDB's reader and dbt do.
 */
function isNullAt(b: Uint8Array, at: number): boolean {
  const c = b[at];
  if (c === 110) return b[at + 1] === 117 && b[at + 2] === 108 && b[at + 3] === 108; // null
  if (c !== 78) return false;
  if (b[at + 1] === 117) return b[at + 2] === 108 && b[at + 3] === 108; // Null
  return b[at + 1] === 85 && b[at + 2] === 76 && b[at + 3] === 76; // NULL
}

/** From `i`, the first delimiter, line break or quote in `b` (its length: none). */
function nextStop(b: Uint8Array, i: number, delim: Uint8Array): number {
  const n = b.length;
  const d0 = delim[0];
  for (; i < n; i++) {
    const c = b[i];
    if (c === LF || c === CR || c === QUOTE) return i;
    if (c === d0 && (delim.length === 1 || startsWith(b, i, delim))) return i;
  }
  return n;
}

function startsWith(b: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > b.length) return false;
  for (let j = 0; j < prefix.length; j++) if (b[at + j] !== prefix[j]) return false;
  return true;
}

/** Where byte `c` next is in `b` from `from`, or `b.length`. */
function indexOfByte(b: Uint8Array, c: number, from: number): number {
  const n = b.length;
  for (let i = from; i < n; i++) if (b[i] === c) return i;
  return n;
}

/** The value of the field `b[start, end)` as COPY reads it: quotes removed, `""` inside a quoted section a quote. */
function unquote(b: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  let k = 0;
  let inQuotes = false;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c !== QUOTE) out[k++] = c;
    else if (inQuotes && i + 1 < end && b[i + 1] === QUOTE) {
      out[k++] = QUOTE;
      i++;
    } else inQuotes = !inQuotes;
  }
  return out.subarray(0, k);
}

/** Line breaks (\n, \r\n, \r) in `b` from `start` to `end`. */
function lineBreaks(b: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c === LF || (c === CR && b[i + 1] !== LF)) n++;
  }
  return n;
}

/** The transform between the file and COPY (a UTF-8 byte order mark at the start is dropped). */
export function copyCsvFilter(options: CsvCopyOptions): Transform {
  const filter = new CopyCsvFilter(options);
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      let out: Buffer | undefined;
      try {
        out = filter.write(chunk);
      } catch (e) {
        done(e as Error);
        return;
      }
      done(null, out);
    },
    flush(done: TransformCallback) {
      let out: Buffer | undefined;
      try {
        out = filter.end();
      } catch (e) {
        done(e as Error);
        return;
      }
      done(null, out);
    },
  });
}

/** The scan itself, chunk by chunk; its state is where the last chunk left off. */
class CopyCsvFilter {
  private readonly columns: readonly string[];
  /** The delimiter's UTF-8 bytes (a non-ASCII delimiter is several). */
  private readonly delim: Uint8Array;
  /** The kind to check in each column (by position), if any. */
  private readonly checks: Array<SeedColumnKind | undefined>;
  private readonly checking: boolean;
  private first = true; // the byte order mark is still to be looked for
  private carry: Buffer[] = []; // an incomplete field at the end of the previous chunks
  private openQuote = false; // it ends in a quoted section: only a chunk with a quote can complete it
  private skipLf = false; // the previous chunk ended with a \r line break
  private col = 0; // index of the field being read in its record
  private inHeader: boolean;
  private line = 1; // the file's line where the field being read starts

  constructor(options: CsvCopyOptions) {
    this.columns = options.columns;
    this.delim = new Uint8Array(Buffer.from(options.delimiter, 'utf8'));
    this.checks = options.columns.map((c) => {
      const kind = options.kinds?.[c];
      return kind === 'text' ? undefined : kind;
    });
    this.checking = this.checks.some((k) => k !== undefined);
    this.inHeader = options.header;
  }

  /** The bytes of `chunk` (after any carried ones) up to its last complete field. */
  write(chunk: Buffer): Buffer | undefined {
    if (this.openQuote && chunk.indexOf(QUOTE) < 0) {
      // Still inside a quoted section (a long quoted value): nothing to scan until a quote comes.
      this.carry.push(chunk);
      return undefined;
    }
    return this.filter(this.carry.length > 0 ? Buffer.concat([...this.carry, chunk]) : chunk, false);
  }

  /** The bytes still carried, at the end of the file. */
  end(): Buffer | undefined {
    return this.carry.length > 0 ? this.filter(Buffer.concat(this.carry), true) : undefined;
  }

  /** Filters `buf` up to its last complete field (all of it when `last`), keeping the rest as `carry`. */
  private filter(buf: Buffer, last: boolean): Buffer | undefined {
    if (this.first) {
      // A UTF-8 byte order mark is not data (COPY would read it as part of the first name).
      if (buf.length < 3 && !last) {
        this.carry = [buf];
        return undefined;
      }
      this.first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    const n = buf.length;
    const { delim, checks, checking } = this;
    const dlen = delim.length;
    let { col, line, inHeader } = this;
    const out: Buffer[] = [];
    let outStart = 0;
    let pos = 0;
    if (this.skipLf && n > 0) {
      this.skipLf = false;
      if (buf[0] === LF) pos = 1;
    }
    // The next \n and \r at or after a quoted field's start (n: none), for counting lines in it.
    let nl = -1;
    let nr = -1;
    let openQuote = false;
    while (pos < n) {
      const start = pos;
      let end = nextStop(buf, start, delim);
      const quoted = end < n && buf[end] === QUOTE;
      if (quoted) {
        // Quoted sections (delimiters and line breaks in them are data) and the plain runs between.
        while (end < n && buf[end] === QUOTE) {
          const close = indexOfByte(buf, QUOTE, end + 1);
          openQuote = close === n;
          end = openQuote ? n : nextStop(buf, close + 1, delim);
        }
      }
      if (end === n && !last) break; // the field goes on in the next chunk
      const length = end - start;
      if (inHeader) {
        // names: kept as they are
      } else if (!quoted) {
        if (length === 4 && isNullAt(buf, start)) {
          out.push(buf.subarray(outStart, start));
          outStart = end;
        } else if (checking && length > 0) {
          const kind = checks[col];
          if (kind !== undefined && !fitsSeedKindBytes(buf, start, end, kind)) throw this.fail(buf, start, end, kind, col, line);
        }
      } else if (length === 6 && buf[start] === QUOTE && buf[end - 1] === QUOTE && isNullAt(buf, start + 1)) {
        out.push(buf.subarray(outStart, start));
        outStart = end;
      } else if (checking) {
        const kind = checks[col];
        if (kind !== undefined) {
          // `"…"` with no other quote: the value is in between; else COPY's reading of the quotes.
          // A quoted empty value is NULL too (FORCE_NULL).
          let fits: boolean;
          if (buf[start] === QUOTE && indexOfByte(buf, QUOTE, start + 1) === end - 1) fits = length === 2 || fitsSeedKindBytes(buf, start + 1, end - 1, kind);
          else {
            const value = unquote(buf, start, end);
            fits = value.length === 0 || fitsSeedKindBytes(value, 0, value.length, kind);
          }
          if (!fits) throw this.fail(buf, start, end, kind, col, line);
        }
      }
      if (quoted) {
        if (nl < start) nl = indexOfByte(buf, LF, start);
        if (nr < start) nr = indexOfByte(buf, CR, start);
        if (nl < end || nr < end) line += lineBreaks(buf, start, end);
      }
      if (end === n) {
        pos = n;
        break;
      }
      const c = buf[end];
      if (c === LF || c === CR) {
        col = 0;
        inHeader = false;
        line++;
        pos = end + 1;
        if (c === CR) {
          if (pos === n) this.skipLf = true;
          else if (buf[pos] === LF) pos++;
        }
      } else {
        col++;
        pos = end + dlen;
      }
    }
    this.col = col;
    this.line = line;
    this.inHeader = inHeader;
    this.openQuote = openQuote && pos < n;
    this.carry = pos < n ? [buf.subarray(pos)] : [];
    if (outStart < pos) out.push(buf.subarray(outStart, pos));
    if (out.length === 0) return undefined;
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  /** The error for the field `buf[start, end)` in column `col`, on the file's line `line`. */
  private fail(buf: Buffer, start: number, end: number, kind: SeedColumnKind, col: number, line: number): Error {
    const value = buf.toString('utf8', start, Math.min(end, start + 120));
    return new Error(`${SEED_SAMPLE_MISMATCH} line ${line}, column "${this.columns[col]}": ${JSON.stringify(value)} is not a${kind === 'integer' ? 'n' : ''} ${kind}, the kind the first rows gave it`);
  }
}
