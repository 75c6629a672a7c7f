import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SeedColumnKind } from '../adapter/types.js';
import { fitsSeedKind, fitsSeedKindBytes, isSeedNull, sampleSeedKinds } from './seed-kinds.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-seed-kinds-'));
let n = 0;
function file(text: string): string {
  const f = path.join(dir, `f${n++}.csv`);
  writeFileSync(f, text);
  return f;
}

const KINDS: SeedColumnKind[] = ['integer', 'number', 'date', 'timestamp', 'boolean'];
/** The kinds a value fits, in dbt's order. */
const fits = (v: string) => KINDS.filter((k) => fitsSeedKind(v, k));

describe('fitsSeedKind', () => {
  it('integers: optional sign, digits, within int4', () => {
    expect(fits('1')).toEqual(['integer', 'number']);
    expect(fits('+1')).toEqual(['integer', 'number']);
    expect(fits('-0')).toEqual(['integer', 'number']);
    expect(fits('2147483647')).toEqual(['integer', 'number']);
    expect(fits('-2147483648')).toEqual(['integer', 'number']);
    expect(fits('+2147483647')).toEqual(['integer', 'number']);
    expect(fits('0000000001')).toEqual(['integer', 'number']);
    expect(fits('2147483648')).toEqual(['number']);
    expect(fits('-2147483649')).toEqual(['number']);
    // More than 12 characters are never int4 (as the SQL), leading zeros or not.
    expect(fits('0000000000001')).toEqual(['number']);
    expect(fits('99999999999999999999')).toEqual(['number']);
    for (const v of [' 1', '1 ', '+', '-', '1e3', '0x10', '1_000', '1,000', '١٢']) expect(fitsSeedKind(v, 'integer'), v).toBe(false);
  });

  it('numbers: digits with at most one point, no exponent, no NaN or infinity, no spaces', () => {
    for (const v of ['.5', '1.', '-1.25', '+.5', '007.100', '1']) expect(fitsSeedKind(v, 'number'), v).toBe(true);
    for (const v of ['.', '-.', '1.2.3', '1e3', '1E-3', 'NaN', 'Infinity', '-inf', ' 1.5', '1.5 ', '', '1,5']) expect(fitsSeedKind(v, 'number'), v).toBe(false);
  });

  it('dates: YYYY-MM-DD that exist, from year 1', () => {
    expect(fits('2024-02-29')).toEqual(['date']);
    expect(fits('2000-02-29')).toEqual(['date']);
    expect(fits('0001-01-01')).toEqual(['date']);
    expect(fits('9999-12-31')).toEqual(['date']);
    expect(fits('2024-04-30')).toEqual(['date']);
    for (const v of ['2023-02-29', '1900-02-29', '2024-02-30', '2024-04-31', '2024-13-01', '2024-00-10', '2024-01-00', '0000-01-01', '2024-1-01', '24-01-01', '2024/01/01', '2024-01-01 ', ' 2024-01-01', '20240101'])
      expect(fitsSeedKind(v, 'date'), v).toBe(false);
  });

  it('timestamps: a date, then ` HH:MM:SS` or `THH:MM[:SS[.f]]` within a day', () => {
    for (const v of ['2024-01-15 10:30:00', '2024-01-15T10:30', '2024-01-15T10:30:59', '2024-01-15T23:59:59.999999999', '2024-02-29 00:00:00', '2024-01-15T10:30:00.5'])
      expect(fits(v), v).toEqual(['timestamp']);
    for (const v of [
      '2024-01-15 24:00:00',
      '2024-01-15T24:00',
      '2024-01-15 10:60:00',
      '2024-01-15 10:30:60',
      '2024-01-15 10:30',
      '2024-01-15 10:30:00.5',
      '2024-01-15T10:30:00.',
      '2024-01-15T10:30:5',
      '2024-01-15T10',
      '2023-02-29 10:00:00',
      '2024-01-15t10:30',
      '2024-01-15T10:30Z',
      '2024-01-15T10:30:00+01:00',
      '2024-01-15',
    ])
      expect(fitsSeedKind(v, 'timestamp'), v).toBe(false);
  });

  it('booleans: true and false in any case, nothing else', () => {
    for (const v of ['true', 'True', 'TRUE', 'tRuE', 'false', 'FALSE', 'False']) expect(fits(v), v).toEqual(['boolean']);
    for (const v of ['t', 'f', 'yes', 'no', '1', '0', 'truee', ' true', 'ſalse', 'TRUE\u0000']) expect(fitsSeedKind(v, 'boolean'), v).toBe(false);
  });

  it('text fits anything; fitsSeedKindBytes reads a range of UTF-8 bytes', () => {
    expect(fitsSeedKind('anything at all', 'text')).toBe(true);
    const line = Buffer.from('x,12,2024-02-29,true,é1');
    expect(fitsSeedKindBytes(line, 2, 4, 'integer')).toBe(true);
    expect(fitsSeedKindBytes(line, 2, 5, 'integer')).toBe(false);
    expect(fitsSeedKindBytes(line, 5, 15, 'date')).toBe(true);
    expect(fitsSeedKindBytes(line, 16, 20, 'boolean')).toBe(true);
    expect(fitsSeedKindBytes(line, 21, 24, 'integer')).toBe(false);
    expect(fitsSeedKindBytes(line, 23, 24, 'integer')).toBe(true);
    // No character beyond ASCII takes part in a kind, whatever its bytes (ŧ is U+0167: not a `g`).
    expect(fitsSeedKind('ŧrue', 'boolean')).toBe(false);
  });

  it('null strings', () => {
    for (const v of ['', 'null', 'NULL', 'Null']) expect(isSeedNull(v), v).toBe(true);
    for (const v of ['nULL', 'none', ' ', 'NaN', '"null"']) expect(isSeedNull(v), v).toBe(false);
  });
});

describe('sampleSeedKinds', () => {
  it('gives each column the first kind every sampled value fits; text when none; undefined without a value', () => {
    const f = file('i,n,d,t,b,s,e\n1,1.5,2024-01-01,2024-01-01 10:00:00,true,x,\n2,2,2024-02-29,2024-01-01T10:00,False,1,null\n');
    expect(sampleSeedKinds(f, ',', ['i', 'n', 'd', 't', 'b', 's', 'e'])).toEqual({ i: 'integer', n: 'number', d: 'date', t: 'timestamp', b: 'boolean', s: 'text', e: undefined });
  });

  it('reads only the first `rows` data rows', () => {
    const f = file('a,b\n1,x\n2,y\nzz,z\n');
    expect(sampleSeedKinds(f, ',', ['a', 'b'], 2)).toEqual({ a: 'integer', b: 'text' });
    expect(sampleSeedKinds(f, ',', ['a', 'b'], 3)).toEqual({ a: 'text', b: 'text' });
  });

  it('null spellings, quoted or not, are not values; a quoted number is a number', () => {
    const f = file('a,b,c\n"12",NULL,""\n"Null",null,"null"\n7,Null,\n');
    expect(sampleSeedKinds(f, ',', ['a', 'b', 'c'])).toEqual({ a: 'integer', b: undefined, c: undefined });
  });

  it('splits as COPY does: quoted delimiters and line breaks, doubled quotes, quotes inside a field, CRLF, a BOM, another delimiter', () => {
    const f = file('\uFEFFa;b;c\r\n1;"x;\r\ny";"2024-01-01"\r\n2;"say ""hi""";2024-01-0"2"\r\n');
    expect(sampleSeedKinds(f, ';', ['a', 'b', 'c'])).toEqual({ a: 'integer', b: 'text', c: 'date' });
    // A quote in the middle of a field opens a quoted section there (as COPY reads it): `1"2,3"` is one field.
    const g = file('a,b\n1"2,3",4\n');
    expect(sampleSeedKinds(g, ',', ['a', 'b'])).toEqual({ a: 'text', b: 'integer' });
    const h = file('a§b\n1§2024-01-01\n');
    expect(sampleSeedKinds(h, '§', ['a', 'b'])).toEqual({ a: 'integer', b: 'date' });
    const cr = file('a,b\r1,x\r2,y\r');
    expect(sampleSeedKinds(cr, ',', ['a', 'b'])).toEqual({ a: 'integer', b: 'text' });
  });

  it('stops at a row with the wrong number of fields (COPY rejects it) and at the end-of-data line', () => {
    const f = file('a,b\n1,2\n3\nx,y\n');
    expect(sampleSeedKinds(f, ',', ['a', 'b'])).toEqual({ a: 'integer', b: 'integer' });
    const g = file('a\n1\n\\.\nx\n');
    expect(sampleSeedKinds(g, ',', ['a'])).toEqual({ a: 'integer' });
  });

  it('a header-only or empty file: no column has a value; a last row without a line break counts', () => {
    expect(sampleSeedKinds(file('a,b\n'), ',', ['a', 'b'])).toEqual({ a: undefined, b: undefined });
    expect(sampleSeedKinds(file(''), ',', ['a'])).toEqual({ a: undefined });
    expect(sampleSeedKinds(file('a,b\n1,true'), ',', ['a', 'b'])).toEqual({ a: 'integer', b: 'boolean' });
  });

  it('reads rows across read chunks', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},"${'x'.repeat(i % 50)}\n${i}",${i}.5`);
    const f = file(`a,b,c\n${rows.join('\n')}\n`);
    expect(sampleSeedKinds(f, ',', ['a', 'b', 'c'], 5000)).toEqual({ a: 'integer', b: 'text', c: 'number' });
  });
});
