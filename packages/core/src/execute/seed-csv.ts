// The little of a seed CSV that core reads itself: the header (column names, before loading) and,
// only after a load failed without saying where, the first malformed row. Rows are loaded by the
// warehouse (Dialect.selectFromCsv or Connection.copyCsv), never parsed here.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface CsvProblem {
  /** 1-based line in the file; the header is line 1. */
  line: number;
  reason: string;
}

const CHUNK = 1 << 16;

/**
 * An RFC 4180 reader (quote and escape `"`, records end at \n, \r\n or \r) that counts fields and
 * lines, keeping the values of the first record only. Blank lines are skipped.
 */
class CsvScanner {
  line = 1;
  header: string[] | undefined;
  problem: CsvProblem | undefined;
  private fields: string[] = [];
  private field = '';
  private fieldCount = 0;
  private recordLine = 1;
  private inQuotes = false;
  private afterQuote = false;
  private atFieldStart = true;
  private quoteLine = 1;
  private skipLf = false;
  private bom = true;

  constructor(
    private readonly delimiter: string,
    private readonly stopAfterHeader: boolean,
  ) {}

  get done(): boolean {
    return this.problem !== undefined || (this.stopAfterHeader && this.header !== undefined);
  }

  feed(text: string): void {
    const collect = this.header === undefined;
    for (let i = 0; i < text.length && !this.done; i++) {
      const c = text[i]!;
      if (this.bom) {
        this.bom = false;
        if (c === '\uFEFF') continue;
      }
      if (this.skipLf) {
        this.skipLf = false;
        if (c === '\n') continue;
      }
      if (this.inQuotes) {
        if (c === '"') {
          this.inQuotes = false;
          this.afterQuote = true;
        } else {
          if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) this.line++;
          if (collect) this.field += c;
        }
      } else if (this.afterQuote) {
        if (c === '"') {
          this.inQuotes = true;
          this.afterQuote = false;
          if (collect) this.field += '"';
        } else if (c === this.delimiter) this.endField();
        else if (c === '\n' || c === '\r') this.endLine(c);
        else this.problem = { line: this.line, reason: `unexpected \`${c}\` after a closing quote (a quote inside a quoted value is written \`""\`)` };
      } else if (c === '"' && this.atFieldStart) {
        this.inQuotes = true;
        this.atFieldStart = false;
        this.quoteLine = this.line;
      } else if (c === this.delimiter) this.endField();
      else if (c === '\n' || c === '\r') this.endLine(c);
      else {
        this.atFieldStart = false;
        if (collect) this.field += c;
      }
    }
  }

  end(): void {
    if (this.done) return;
    if (this.inQuotes) this.problem = { line: this.quoteLine, reason: 'a quoted value starts here and is never closed' };
    else this.endRecord();
  }

  private endField(): void {
    if (this.header === undefined) this.fields.push(this.field);
    this.field = '';
    this.fieldCount++;
    this.afterQuote = false;
    this.atFieldStart = true;
  }

  private endLine(c: string): void {
    this.endRecord();
    this.line++;
    this.skipLf = c === '\r';
  }

  private endRecord(): void {
    const blank = this.fieldCount === 0 && this.field === '' && this.atFieldStart && !this.afterQuote;
    if (!blank) {
      this.endField();
      if (this.header === undefined) this.header = this.fields;
      else if (this.fieldCount !== this.header.length) {
        const n = this.fieldCount;
        this.problem = { line: this.recordLine, reason: `row has ${n} ${n === 1 ? 'field' : 'fields'}, the header has ${this.header.length}` };
      }
    }
    this.field = '';
    this.fieldCount = 0;
    this.afterQuote = false;
    this.atFieldStart = true;
    this.recordLine = this.line + 1;
  }
}

function scan(file: string, delimiter: string, stopAfterHeader: boolean): CsvScanner {
  const scanner = new CsvScanner(delimiter, stopAfterHeader);
  const decoder = new StringDecoder('utf8');
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      scanner.feed(decoder.write(buf.subarray(0, n)));
      if (scanner.done) return scanner;
    }
    scanner.feed(decoder.end());
    scanner.end();
    return scanner;
  } finally {
    closeSync(fd);
  }
}

/** The column names of the first record; undefined when the file has none (empty or blank lines only). Reads only as far as the header. */
export function readCsvHeader(file: string, delimiter: string): string[] | undefined {
  return scan(file, delimiter, true).header;
}

/** The first row that is not well-formed CSV with this header (wrong field count, unclosed quote), reading the whole file. */
export function findCsvProblem(file: string, delimiter: string): CsvProblem | undefined {
  return scan(file, delimiter, false).problem;
}
