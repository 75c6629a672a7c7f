import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCsvProblem, readCsvHeader } from './seed-csv.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-seed-csv-'));
let n = 0;
function file(text: string | Buffer): string {
  const f = path.join(dir, `f${n++}.csv`);
  writeFileSync(f, text);
  return f;
}

describe('readCsvHeader', () => {
  it('reads quoted names with delimiters, doubled quotes, a BOM and CRLF', () => {
    expect(readCsvHeader(file('\uFEFF"First Name","a ""b""",c,d\r\n1,2,3,4\r\n'), ',')).toEqual(['First Name', 'a "b"', 'c', 'd']);
    expect(readCsvHeader(file('x;"y;z"\n1;2\n'), ';')).toEqual(['x', 'y;z']);
  });

  it('skips leading blank lines; no header in an empty or blank file', () => {
    expect(readCsvHeader(file('\n\na,b\n'), ',')).toEqual(['a', 'b']);
    expect(readCsvHeader(file(''), ',')).toBeUndefined();
    expect(readCsvHeader(file('\n\r\n'), ',')).toBeUndefined();
  });

  it('reads a header longer than one read chunk', () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `column_${i}`);
    expect(readCsvHeader(file(`${names.join(',')}\n`), ',')).toEqual(names);
  });
});

describe('findCsvProblem', () => {
  it('finds nothing wrong in a well-formed file (quoted newlines, no final newline)', () => {
    expect(findCsvProblem(file('a,b\n1,"x\ny"\n2,z'), ',')).toBeUndefined();
  });

  it('names the line of a row with too few or too many fields', () => {
    expect(findCsvProblem(file('a,b,c\n1,2,3\n4,5\n'), ',')).toEqual({ line: 3, reason: 'row has 2 fields, the header has 3' });
    expect(findCsvProblem(file('a,b\n1,"multi\nline"\n1,2,3\n'), ',')).toEqual({ line: 4, reason: 'row has 3 fields, the header has 2' });
    expect(findCsvProblem(file('a;b\r\n1;2\r\n3\r\n'), ';')).toEqual({ line: 3, reason: 'row has 1 field, the header has 2' });
  });

  it('names the line where an unclosed quote starts, and a stray character after a closing quote', () => {
    expect(findCsvProblem(file('a,b\n1,2\n3,"open\n4,5\n'), ',')).toEqual({ line: 3, reason: 'a quoted value starts here and is never closed' });
    expect(findCsvProblem(file('a,b\n1,"x"y\n'), ',')?.line).toBe(2);
  });
});
