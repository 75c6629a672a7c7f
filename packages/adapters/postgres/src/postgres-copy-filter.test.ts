// copyCsvFilter as a stream (any chunking gives the same bytes and the same errors), fitsSeedKind
// against the dialect's SQL on a real server (the two must agree value for value), and copyCsv with
// kinds end to end (the test server: $TSDBT_TEST_PG_URL, the local server, or an embedded one).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { fitsSeedKind, type Connection, type CsvCopyOptions, type SeedColumnKind } from '@tsdbt/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyCsvFilter } from './postgres-copy-filter.js';
import { PostgresDialect } from './postgres-dialect.js';
import { createPostgresDriver, type PostgresDriver } from './postgres-driver.js';

/** `input` through the filter, cut into chunks of `size` bytes. */
async function filtered(input: string | Buffer, options: CsvCopyOptions, size: number): Promise<string> {
  const bytes = Buffer.from(input);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return text(Readable.from(chunks).pipe(copyCsvFilter(options)));
}

/** The same result for every chunking: the output, or the error message. */
async function everyChunking(input: string, options: CsvCopyOptions): Promise<string> {
  const results = new Set<string>();
  for (const size of [1, 2, 3, 5, 7, 64, 1 << 20]) results.add(await filtered(input, options, size).catch((e: Error) => `error: ${e.message}`));
  expect([...results]).toHaveLength(1);
  return [...results][0]!;
}

describe('copyCsvFilter', () => {
  const abc: CsvCopyOptions = { delimiter: ',', header: true, columns: ['a', 'b', 'c'] };

  it('blanks null strings (quoted or not, not in the header), keeps every other byte, drops a BOM', async () => {
    const input = '\uFEFFnull,b,"NULL"\r\n1,null,"x"\r\n2,"NULL",""\r\nnull,Null,"q""\nnull"\r\n3,nuLL,NULLx\r\né,"Null",ü\n';
    expect(await everyChunking(input, abc)).toBe('null,b,"NULL"\r\n1,,"x"\r\n2,,""\r\n,,"q""\nnull"\r\n3,nuLL,NULLx\r\né,,ü\n');
    expect(await everyChunking('1,null\n', { delimiter: ',', header: false, columns: ['a', 'b'] })).toBe('1,\n');
    expect(await everyChunking('a§b\nnull§"x§y"\n', { delimiter: '§', header: true, columns: ['a', 'b'] })).toBe('a§b\n§"x§y"\n');
  });

  it('with kinds: passes values that fit (NULLs, quoted values, a last line without a break) unchanged', async () => {
    const input = 'a,b,c\n1,2024-02-29,x\n"2",null,"y,z"\n,"",\r\n-3,"2024-01-0""1""",w\n+4,NULL,v';
    const kinds = { a: 'integer', b: 'date', c: 'text' } as const;
    // `"2024-01-0""1"""` is 2024-01-0"1" to COPY: not a date.
    expect(await everyChunking(input, { ...abc, kinds })).toBe('error: seed sample mismatch: line 5, column "b": "\\"2024-01-0\\"\\"1\\"\\"\\"" is not a date, the kind the first rows gave it');
    const fine = input.replace('"2024-01-0""1"""', '2024-01-01');
    expect(await everyChunking(fine, { ...abc, kinds })).toBe(fine.replace('null', '').replace('NULL', ''));
    // Quotes anywhere in a field, as COPY reads them: `"1"2` is 12, `1"2"` is 12, `"1""2"` is 1"2.
    const semi = { delimiter: '§', header: true, columns: ['a', 'b'], kinds: { a: 'integer' } } as const;
    expect(await everyChunking('a§b\r"1"2§é\r1"2"§"x§y"\r', semi)).toBe('a§b\r"1"2§é\r1"2"§"x§y"\r');
    expect(await everyChunking('a§b\r"1"2§é\r"1""2"§"x§y"\r', semi)).toBe('error: seed sample mismatch: line 3, column "a": "\\"1\\"\\"2\\"" is not an integer, the kind the first rows gave it');
  });

  it('names the file line of the first value that does not fit, counting line breaks inside quotes', async () => {
    const input = 'a,b\n1,"two\nlines"\n2,"three\r\nmore\rlines"\n3,x\nn/a,y\n4,z\n';
    expect(await everyChunking(input, { delimiter: ',', header: true, columns: ['a', 'b'], kinds: { a: 'integer' } })).toBe(
      'error: seed sample mismatch: line 8, column "a": "n/a" is not an integer, the kind the first rows gave it',
    );
    expect(await everyChunking('a;b\n1;ü\n2;é\n', { delimiter: ';', header: true, columns: ['a', 'b'], kinds: { b: 'boolean' } })).toBe(
      'error: seed sample mismatch: line 2, column "b": "ü" is not a boolean, the kind the first rows gave it',
    );
  });
});

const BASE_URL = inject('pgUrl');
const DB = `tsdbt_copy_${randomBytes(4).toString('hex')}`;
const ctx = { projectDir: '/tmp', projectName: 'proj' };
let driver: PostgresDriver;
let conn: Connection;
let dir: string;

async function admin(sql: string): Promise<void> {
  const d = createPostgresDriver({ type: 'postgres', schema: 'public', url: BASE_URL }, ctx);
  try {
    await (await d.connect()).execute(sql);
  } finally {
    await d.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdbt-pg-copy-'));
  await admin(`CREATE DATABASE "${DB}"`);
  driver = createPostgresDriver({ type: 'postgres', schema: 'public', url: BASE_URL, dbname: DB }, ctx);
  conn = await driver.connect();
});

afterAll(async () => {
  await driver?.close();
  await admin(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
  await rm(dir, { recursive: true, force: true });
});

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hand-picked edge cases and generated near-misses for every kind. */
function values(): string[] {
  const picked = [
    '0', '+1', '-1', '2147483647', '2147483648', '-2147483648', '-2147483649', '0000000001', '00000000001', '000000000001', '0000000000001', '+0002147483647', ' 1', '1 ', '1e3', 'NaN', 'Infinity',
    '.5', '1.', '.', '+.5', '-1.', '1.2.3', '1,5', '2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '0000-01-01', '0001-01-01', '2024-04-31', '2024-12-31', '2024-13-01',
    '2024-01-01 10:00:00', '2024-01-01 24:00:00', '2024-01-01 23:59:60', '2024-01-01T10:00', '2024-01-01T10:00:00.123456', '2024-01-01T10:00:00.', '2024-01-01 10:00', '2024-01-01T10:00Z',
    'true', 'True', 'TRUE', 'false', 'FaLsE', 't', 'yes', 'ſalse', 'é', '',
  ];
  const rnd = mulberry32(7);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
  const generated: string[] = [];
  for (let i = 0; i < 600; i++) {
    const date = `${pick(['0000', '0001', '1900', '2000', '2023', '2024', '2100', digits(4)])}-${pick(['00', '01', '02', '04', '12', '13', digits(2)])}-${pick(['00', '01', '28', '29', '30', '31', '32', digits(2)])}`;
    const time = `${pick(['00', '09', '23', '24', digits(2)])}:${pick(['00', '59', '60', digits(2)])}`;
    generated.push(
      pick([
        date,
        `${date} ${time}:${pick(['00', '59', '60', digits(2)])}`,
        `${date}T${time}`,
        `${date}T${time}:${pick(['00', '59', '60'])}${pick(['', '.', '.5', `.${digits(9)}`])}`,
        `${pick(['', '+', '-', ' '])}${digits(1 + Math.floor(rnd() * 13))}`,
        `${pick(['', '+', '-'])}${digits(Math.floor(rnd() * 4))}${pick(['', '.', '..'])}${digits(Math.floor(rnd() * 4))}`,
      ]),
    );
  }
  return [...picked, ...generated];
}

describe('fitsSeedKind agrees with the dialect SQL', () => {
  it('on every value, for every kind', async () => {
    const dialect = new PostgresDialect();
    const all = values().filter((v) => v !== ''); // NULL-free: the SQL tests non-null values
    const kinds: Array<Exclude<SeedColumnKind, 'text'>> = ['integer', 'number', 'date', 'timestamp', 'boolean'];
    // Tables of one row, one text column per value (checkSeedKinds gives one answer per column).
    for (let t = 0; t * 100 < all.length; t++) {
      const batch = all.slice(t * 100, t * 100 + 100);
      const rel = { schema: 'public', identifier: `fits_${t}` };
      const cols = batch.map((_v, i) => `v${i}`);
      await conn.execute(`CREATE TABLE fits_${t} (${cols.map((c) => `${c} text`).join(', ')})`);
      await conn.execute(`INSERT INTO fits_${t} VALUES (${cols.map((_c, i) => `$${i + 1}`).join(', ')})`, batch);
      for (const kind of kinds) {
        const sql = Object.values((await conn.execute(dialect.checkSeedKinds(rel, cols.map((name) => ({ name, kind }))))).rows[0]!);
        const disagree = batch.filter((v, i) => sql[i] !== fitsSeedKind(v, kind));
        expect(disagree, kind).toEqual([]);
      }
    }
  });
});

describe('copyCsv with kinds', () => {
  it('loads typed columns when every value fits; aborts on the first that does not, and the session goes on after a rollback', async () => {
    await conn.execute('CREATE TABLE typed (id integer, at timestamp, ok boolean, note text)');
    const file = join(dir, 'typed.csv');
    const kinds = { id: 'integer', at: 'timestamp', ok: 'boolean' } as const;
    const options = { delimiter: ',', header: true, columns: ['id', 'at', 'ok', 'note'], kinds };
    await writeFile(file, 'id,at,ok,note\n1,2024-01-01T10:30,TRUE,null\n"2",Null,"False",x\n');
    await conn.begin();
    expect(await conn.copyCsv!({ schema: 'public', identifier: 'typed' }, file, options)).toBe(2);
    await conn.commit();
    expect((await conn.execute('SELECT * FROM typed ORDER BY id')).rows).toEqual([
      { id: 1, at: '2024-01-01T10:30:00', ok: true, note: null },
      { id: 2, at: null, ok: false, note: 'x' },
    ]);

    const rows = Array.from({ length: 50_000 }, (_, i) => `${i},2024-01-01 00:00:00,true,n${i}`);
    rows[40_000] = '40000,2024-01-01 00:00:00,yes,n';
    await writeFile(file, `id,at,ok,note\n${rows.join('\n')}\n`);
    await conn.begin();
    const err = await conn.copyCsv!({ schema: 'public', identifier: 'typed' }, file, options).catch((e: Error) => e);
    expect((err as Error).message).toBe('seed sample mismatch: line 40002, column "ok": "yes" is not a boolean, the kind the first rows gave it');
    await conn.rollback();
    expect((await conn.execute('SELECT count(*)::int AS n FROM typed')).rows).toEqual([{ n: 2 }]);
  });
});
