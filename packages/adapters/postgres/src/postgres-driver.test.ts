// Runs against a real PostgreSQL (the test server: $TSDBT_TEST_PG_URL, the local server, or an embedded one) in a throwaway database.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection, TargetConfig } from '@tsdbt/core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { PostgresDriver, PostgresError, connectionOptions, createPostgresDriver, describeTarget } from './postgres-driver.js';
import { knownTypeName, parseArray, parseNumeric, parseTimestamptz } from './postgres-values.js';

// The server found (or started) by tests/support/pg-global-setup.ts.
const BASE_URL = inject('pgUrl');
const DB = `tsdbt_drv_${randomBytes(4).toString('hex')}`;
const ctx = { projectDir: '/tmp', projectName: 'proj' };
const drivers: PostgresDriver[] = [];
let dir: string;

function target(extra: Record<string, unknown> = {}): TargetConfig {
  return { type: 'postgres', schema: 'public', url: BASE_URL, dbname: DB, ...extra };
}

function driverFor(extra: Record<string, unknown> = {}): PostgresDriver {
  const driver = createPostgresDriver(target(extra), ctx);
  drivers.push(driver);
  return driver;
}

async function errorOf(p: Promise<unknown>): Promise<PostgresError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PostgresError);
  return e as PostgresError;
}

async function admin<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
  const driver = createPostgresDriver({ type: 'postgres', schema: 'public', url: BASE_URL }, ctx);
  try {
    return await fn(await driver.connect());
  } finally {
    await driver.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdbt-pg-'));
  await admin((c) => c.execute(`CREATE DATABASE "${DB}"`));
});

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

afterAll(async () => {
  await admin((c) => c.execute(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`));
  await rm(dir, { recursive: true, force: true });
});

describe('target config', () => {
  it('maps dbt-postgres keys to pg client options', () => {
    expect(connectionOptions({ type: 'postgres', schema: 's', host: 'db', user: 'u', password: 'pw', dbname: 'analytics' })).toEqual({
      host: 'db',
      port: 5432,
      user: 'u',
      password: 'pw',
      database: 'analytics',
      application_name: 'tsdbt',
      connectionTimeoutMillis: 10_000,
      options: '-c client_connection_check_interval=1000',
    });
    const o = connectionOptions({
      type: 'postgres',
      schema: 's',
      host: 'db',
      port: 6543,
      user: 'u',
      database: 'alias',
      search_path: 'a, "B c"',
      keepalives_idle: 30,
      connect_timeout: 3,
    });
    expect(o).toMatchObject({ port: 6543, database: 'alias', options: '-c client_connection_check_interval=1000 -c search_path=a,\\ "B\\ c"', keepAlive: true, keepAliveInitialDelayMillis: 30_000, connectionTimeoutMillis: 3000 });
    const ssl = (sslmode: string) => connectionOptions({ type: 'postgres', schema: 's', sslmode }).ssl;
    expect(['disable', 'allow', 'prefer'].map(ssl)).toEqual([false, false, false]);
    expect(ssl('require')).toEqual({ rejectUnauthorized: false });
    expect(ssl('verify-ca')).toBe(true);
    expect(ssl('verify-full')).toBe(true);
  });

  it('takes a URL, with explicit keys overriding its parts', () => {
    const url = 'postgres://alice:p%40ss@h1:7000/db1?sslmode=require&connect_timeout=4&sslrootcert=/no/such/file';
    expect(connectionOptions({ type: 'postgres', schema: 's', url })).toMatchObject({
      host: 'h1',
      port: 7000,
      user: 'alice',
      password: 'p@ss',
      database: 'db1',
      ssl: { rejectUnauthorized: false },
      connectionTimeoutMillis: 4000,
    });
    expect(connectionOptions({ type: 'postgres', schema: 's', url, host: 'h2', port: 1, user: 'bob', password: 'x', dbname: 'db2', sslmode: 'disable' })).toMatchObject({
      host: 'h2',
      port: 1,
      user: 'bob',
      password: 'x',
      database: 'db2',
      ssl: false,
    });
    expect(describeTarget({ type: 'postgres', schema: 's', url })).toBe('alice@h1:7000/db1');
    expect(describeTarget({ type: 'postgres', schema: 's', host: 'h', user: 'u', password: 'secret', dbname: 'd' })).toBe('u@h:5432/d');
  });

  it('rejects mistyped keys with a message naming the key', () => {
    const bad = (extra: Record<string, unknown>) => () => connectionOptions({ type: 'postgres', schema: 's', ...extra });
    expect(bad({ port: '5432' })).toThrow(new TypeError('postgres target: `port` must be a number, got string'));
    expect(bad({ host: 5 })).toThrow(/postgres target: `host` must be a string/);
    expect(bad({ sslmode: 'on' })).toThrow(/`sslmode` must be one of disable, allow, prefer, require, verify-ca, verify-full/);
    expect(bad({ retries: 1.5 })).toThrow(/`retries` must be a non-negative integer/);
    expect(bad({ keepalives_idle: true })).toThrow(/`keepalives_idle` must be a number/);
    expect(bad({ url: 'http://[' })).toThrow(/`url` is not a valid connection URL/);
  });
});

describe('values and types', () => {
  it('pure helpers', () => {
    expect(parseNumeric('1.25')).toBe(1.25);
    expect(parseNumeric('0.10')).toBe(0.1);
    expect(parseNumeric('123456789012345678.12')).toBe('123456789012345678.12');
    expect(parseNumeric('NaN')).toBe('NaN');
    expect(parseTimestamptz('2024-01-02 05:34:05.000123+05:30')).toBe('2024-01-02T00:04:05.000123Z');
    expect(parseTimestamptz('2024-01-01 00:10:00-00:53:28')).toBe('2024-01-01T01:03:28Z');
    expect(parseTimestamptz('2024-01-02 03:04:05+00')).toBe('2024-01-02T03:04:05Z');
    expect(parseTimestamptz('infinity')).toBe('infinity');
    expect(parseArray('{{1,2},{NULL,"a,\\"b\\\\"}}', (s) => s)).toEqual([
      ['1', '2'],
      [null, 'a,"b\\'],
    ]);
    expect(parseArray('[0:1]={x,y}', (s) => s)).toEqual(['x', 'y']);
    expect(parseArray('{}', (s) => s)).toEqual([]);
    expect(knownTypeName(1700, (10 << 16) + 2 + 4)).toBe('numeric(10,2)');
    expect(knownTypeName(1185, 3)).toBe('timestamp(3) with time zone[]');
    expect(knownTypeName(1186, 3)).toBeUndefined(); // interval fields: asked of the server
  });

  it('returns JSON-safe values, as the DuckDB adapter does', async () => {
    const conn = await driverFor().connect();
    await conn.execute("set timezone = 'Asia/Kolkata'");
    const r = await conn.execute(`select
      1::smallint as i2, 2::integer as i4,
      1::bigint as small_big, 9007199254740993::bigint as huge_big,
      1.25::numeric(10,2) as dec, 0.1::numeric(10,1) as dec_tenth, 123456789012345678.12::numeric(38,2) as dec_wide,
      'NaN'::numeric as dec_nan,
      1.5::float8 as dbl, 0.25::float4 as flt, 'NaN'::float8 as nan, 'Infinity'::float8 as inf, '-Infinity'::float4 as ninf,
      true as yes, false as no,
      date '2024-01-02' as d,
      timestamp '2024-01-02 03:04:05.123456' as ts, timestamp '2024-01-02 03:04:05' as ts_whole, 'infinity'::timestamp as ts_inf,
      timestamptz '2024-01-02 03:04:05.123456+02' as tstz, timestamptz '2024-01-02 03:04:05+00' as tstz_utc,
      time '01:02:03' as t, interval '3 days' as iv,
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid as u, 'x'::text as txt,
      '{"k": [1, "two", null]}'::json as js, '{"b": 2.5}'::jsonb as jsb,
      array[1, 2]::bigint[] as list_big, array['a', null, 'c,d'] as list_text, array[1.5, 2]::numeric[] as list_dec,
      array[timestamptz '2024-01-02 03:04:05+00'] as list_tstz, array['{"a":1}'::jsonb] as list_json,
      '\\x0102'::bytea as bin,
      null::text as nothing`);
    expect(r.rows).toEqual([
      {
        i2: 1,
        i4: 2,
        small_big: 1,
        huge_big: '9007199254740993',
        dec: 1.25,
        dec_tenth: 0.1,
        dec_wide: '123456789012345678.12',
        dec_nan: 'NaN',
        dbl: 1.5,
        flt: 0.25,
        nan: 'NaN',
        inf: 'Infinity',
        ninf: '-Infinity',
        yes: true,
        no: false,
        d: '2024-01-02',
        ts: '2024-01-02T03:04:05.123456',
        ts_whole: '2024-01-02T03:04:05',
        ts_inf: 'infinity',
        tstz: '2024-01-02T01:04:05.123456Z',
        tstz_utc: '2024-01-02T03:04:05Z',
        t: '01:02:03',
        iv: '3 days',
        u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        txt: 'x',
        js: { k: [1, 'two', null] },
        jsb: { b: 2.5 },
        list_big: [1, 2],
        list_text: ['a', null, 'c,d'],
        list_dec: [1.5, 2],
        list_tstz: ['2024-01-02T03:04:05Z'],
        list_json: [{ a: 1 }],
        bin: '\\x0102',
        nothing: null,
      },
    ]);
    expect(() => JSON.stringify(r.rows)).not.toThrow();
    const types = Object.fromEntries(r.columns.map((c) => [c.name, c.type]));
    expect(types).toMatchObject({
      i2: 'smallint',
      i4: 'integer',
      small_big: 'bigint',
      dec: 'numeric(10,2)', // a cast keeps its typmod
      dec_nan: 'numeric',
      dbl: 'double precision',
      flt: 'real',
      yes: 'boolean',
      d: 'date',
      ts: 'timestamp without time zone',
      tstz: 'timestamp with time zone',
      t: 'time without time zone',
      iv: 'interval',
      u: 'uuid',
      txt: 'text',
      js: 'json',
      jsb: 'jsonb',
      list_big: 'bigint[]',
      list_text: 'text[]',
      bin: 'bytea',
    });
  });

  it('names column types with their typmods, asking the server for unusual ones', async () => {
    const conn = await driverFor().connect();
    await conn.execute(`create table typed (
      a varchar(20), b char(3), c numeric(10,2), d timestamp(3), e timestamptz, f interval day, g varchar(20)[], h int4range, i bpchar)`);
    const r = await conn.execute('select * from typed');
    expect(r.columns).toEqual([
      { name: 'a', type: 'character varying(20)' },
      { name: 'b', type: 'character(3)' },
      { name: 'c', type: 'numeric(10,2)' },
      { name: 'd', type: 'timestamp(3) without time zone' },
      { name: 'e', type: 'timestamp with time zone' },
      { name: 'f', type: 'interval day' },
      { name: 'g', type: 'character varying(20)[]' },
      { name: 'h', type: 'int4range' },
      { name: 'i', type: 'bpchar' },
    ]);
    expect(r.rows).toEqual([]);
  });

  it('keeps duplicate and __proto__ column names as plain data', async () => {
    const conn = await driverFor().connect();
    const r = await conn.execute('select 1 as a, 2 as a, 3 as "__proto__"');
    expect(r.columns.map((c) => c.name)).toEqual(['a', 'a:1', '__proto__']);
    expect(Object.getPrototypeOf(r.rows[0])).toBe(Object.prototype);
    expect(Object.keys(r.rows[0]!)).toEqual(['a', 'a:1', '__proto__']);
    expect(r.rows[0]!['__proto__']).toBe(3);
  });
});

describe('execute', () => {
  it('runs several statements and returns the last result; empty SQL is a no-op', async () => {
    const conn = await driverFor().connect();
    const r = await conn.execute('create temp table ms as select 1 as x; insert into ms values (2); select sum(x)::int as s from ms');
    expect(r.rows).toEqual([{ s: 3 }]);
    expect((await conn.execute('')).rows).toEqual([]);
    expect((await conn.execute('-- just a comment')).rows).toEqual([]);
  });

  it('binds params', async () => {
    const conn = await driverFor().connect();
    const r = await conn.execute('select $1::integer as a, $2::text as b, $3::text as c, $4::boolean as d', [42, 'x', null, true]);
    expect(r.rows).toEqual([{ a: 42, b: 'x', c: null, d: true }]);
    const t = await conn.execute('select $1::timestamp as ts, $2::numeric as big, $3::int[] as arr', [new Date('2024-05-06T07:08:09.010Z'), 2n ** 70n, [1, 2]]);
    expect(t.rows).toEqual([{ ts: '2024-05-06T07:08:09.01', big: '1180591620717411303424', arr: [1, 2] }]);
    const err = await errorOf(conn.execute('select $1::int; select 2', [1]));
    expect(err.message).toMatch(/cannot insert multiple commands into a prepared statement/);
  });

  it('reports rowsAffected for CTAS, SELECT INTO and DML, not for SELECT', async () => {
    const conn = await driverFor().connect();
    expect((await conn.execute('create table ra as select g as id from generate_series(0, 4) g')).rowsAffected).toBe(5);
    expect((await conn.execute('insert into ra values (10), (11)')).rowsAffected).toBe(2);
    expect((await conn.execute('update ra set id = id + 1 where id >= 10')).rowsAffected).toBe(2);
    expect((await conn.execute('delete from ra where id > 3')).rowsAffected).toBe(3);
    expect((await conn.execute('select * into ra2 from ra')).rowsAffected).toBe(4);
    expect((await conn.execute('select * from ra')).rowsAffected).toBeUndefined();
    expect((await conn.execute('create table ra3 (x int)')).rowsAffected).toBeUndefined();
    await conn.execute('create table m (id int, v text)');
    await conn.execute("insert into m values (1, 'old')");
    const r = await conn.execute(`merge into m using (values (1, 'new'), (2, 'ins')) s(id, v) on m.id = s.id
      when matched then update set v = s.v when not matched then insert values (s.id, s.v)`);
    expect(r.rowsAffected).toBe(2);
    expect((await conn.execute('select * from m order by id')).rows).toEqual([
      { id: 1, v: 'new' },
      { id: 2, v: 'ins' },
    ]);
  });

  it('rolls back a transaction, DDL included', async () => {
    const conn = await driverFor().connect();
    await conn.execute('create table keep (id int)');
    await conn.begin();
    await conn.execute('create table fresh (id int)');
    await conn.execute('alter table keep rename to renamed');
    await conn.rollback();
    const r = await conn.execute("select relname from pg_class where relname in ('keep', 'fresh', 'renamed') order by 1");
    expect(r.rows).toEqual([{ relname: 'keep' }]);
    await conn.begin();
    await conn.execute('insert into keep values (1)');
    await conn.commit();
    expect((await conn.execute('select id from keep')).rows).toEqual([{ id: 1 }]);
  });

  it("throws PostgreSQL's message with its code, position, DETAIL and HINT; the connection stays usable", async () => {
    const conn = await driverFor().connect();
    const missing = await errorOf(conn.execute('select * from no_such_table'));
    expect(missing.code).toBe('42P01');
    expect(missing.message).toBe('relation "no_such_table" does not exist (at character 15)');
    await conn.execute('create table u (id int primary key)');
    await conn.execute('insert into u values (1)');
    const dup = await errorOf(conn.execute('insert into u values (1)'));
    expect(dup.code).toBe('23505');
    expect(dup.message).toMatch(/^duplicate key value violates unique constraint "u_pkey"\nDETAIL: Key \(id\)=\(1\) already exists\.$/);
    const hint = await errorOf(conn.execute('select 1 +'));
    expect(hint.code).toBe('42601');
    const fn = await errorOf(conn.execute('select no_such_fn(1)'));
    expect(fn.message).toMatch(/\nHINT: No function matches/);
    expect((await conn.execute('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('runs statements on one connection in call order', async () => {
    const conn = await driverFor().connect();
    const results = await Promise.all([1, 2, 3].map((n) => conn.execute(`select ${n} as n, pg_sleep(0.01)`)));
    expect(results.map((r) => r.rows[0]!['n'])).toEqual([1, 2, 3]);
  });
});

describe('cancel and close', () => {
  it('cancels a running statement with 57014', async () => {
    const conn = await driverFor().connect();
    await conn.cancel!(); // idle: no-op
    for (const delay of [0, 300]) {
      const started = Date.now();
      const running = conn.execute('select pg_sleep(30)');
      await new Promise((r) => setTimeout(r, delay));
      await conn.cancel!();
      const err = await errorOf(running);
      expect(err.code).toBe('57014');
      expect(err.message).toMatch(/canceling statement due to user request/);
      expect(Date.now() - started).toBeLessThan(5000);
    }
    expect((await conn.execute('select 2 as two')).rows).toEqual([{ two: 2 }]);
  });

  it('close() stops a running statement and is idempotent; later calls reject', async () => {
    const driver = driverFor();
    const conn = await driver.connect();
    const running = conn.execute('select pg_sleep(30)');
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await conn.close();
    await conn.close();
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await errorOf(running)).code).toBe('57014');
    expect((await errorOf(conn.execute('select 1'))).message).toMatch(/closed/);
    await driver.close();
    await driver.close();
    await expect(driver.connect()).rejects.toThrow(/closed/);
  });

  it('survives the server ending the session', async () => {
    const conn = await driverFor().connect();
    const pid = (await conn.execute('select pg_backend_pid() as pid')).rows[0]!['pid'];
    await admin((c) => c.execute('select pg_terminate_backend($1)', [pid]));
    await new Promise((r) => setTimeout(r, 100));
    const err = await errorOf(conn.execute('select 1'));
    expect(err.message).toMatch(/terminat|lost/);
    const again = await errorOf(conn.execute('select 1'));
    expect(again.message).toMatch(/was lost/);
    await conn.close();
  });
});

describe('copyCsv', () => {
  it('streams a CSV in: quoting, delimiters, empty and null strings, awkward column names', async () => {
    const conn = await driverFor().connect();
    await conn.execute('create schema "Seed ""S"""');
    const rel = { schema: 'Seed "S"', identifier: 'My Seed' };
    await conn.execute(`create table "Seed ""S"""."My Seed" ("id" text, "Full Name" text, "note" text, "Mixed" text)`);
    const file = join(dir, 'seed.csv');
    await writeFile(
      file,
      '\uFEFFid,Full Name,note,Mixed\n' +
        '1,"Smith, Jo","said ""hi""",x\n' +
        '2,,"",null\n' +
        '3,NULL,Null,"null"\n' +
        '4,"multi\nline",nulls,\n',
    );
    await conn.begin();
    const loaded = await conn.copyCsv!(rel, file, { delimiter: ',', header: true, columns: ['id', 'Full Name', 'note', 'Mixed'] });
    await conn.commit();
    expect(loaded).toBe(4);
    const r = await conn.execute(`select * from "Seed ""S"""."My Seed" order by id`);
    expect(r.rows).toEqual([
      { id: '1', 'Full Name': 'Smith, Jo', note: 'said "hi"', Mixed: 'x' },
      { id: '2', 'Full Name': null, note: null, Mixed: null },
      { id: '3', 'Full Name': null, note: null, Mixed: null },
      { id: '4', 'Full Name': 'multi\nline', note: 'nulls', Mixed: null },
    ]);
  });

  it('supports other delimiters, typed columns and files without a header', async () => {
    const conn = await driverFor().connect();
    await conn.execute('create table semi (a integer, b text)');
    const file = join(dir, 'semi.csv');
    await writeFile(file, '\uFEFF1;ab\n2;"x;y"\n');
    expect(await conn.copyCsv!({ schema: 'public', identifier: 'semi' }, file, { delimiter: ';', header: false, columns: ['a', 'b'] })).toBe(2);
    expect((await conn.execute('select * from semi order by a')).rows).toEqual([
      { a: 1, b: 'ab' },
      { a: 2, b: 'x;y' },
    ]);
    const empty = join(dir, 'empty.csv');
    await writeFile(empty, 'a,b\n');
    expect(await conn.copyCsv!({ schema: 'public', identifier: 'semi' }, empty, { delimiter: ',', header: true, columns: ['a', 'b'] })).toBe(0);
  });

  it('fails on a malformed row with its line number, inside the caller transaction', async () => {
    const conn = await driverFor().connect();
    await conn.execute('create table ragged (a text, b text)');
    const file = join(dir, 'ragged.csv');
    await writeFile(file, 'a,b\n1,2\n3\n4,5\n');
    await conn.begin();
    const err = await errorOf(conn.copyCsv!({ schema: 'public', identifier: 'ragged' }, file, { delimiter: ',', header: true, columns: ['a', 'b'] }));
    expect(err.message).toMatch(/missing data for column "b"/);
    expect(err.message).toMatch(/CONTEXT: COPY ragged, line 3/);
    await conn.rollback();
    const missing = await errorOf(conn.copyCsv!({ schema: 'public', identifier: 'ragged' }, join(dir, 'nope.csv'), { delimiter: ',', header: true, columns: ['a', 'b'] }));
    expect(missing.code).toBe('ENOENT');
    expect((await conn.execute('select count(*)::int as n from ragged')).rows).toEqual([{ n: 0 }]);
  });
});

describe('connection errors', () => {
  it('a missing database: clear message, no password, no retry', async () => {
    // The server's real password if it has one (an embedded server), else any: trust auth ignores it.
    const password = decodeURIComponent(new URL(BASE_URL).password) || 'hunter22';
    const driver = createPostgresDriver(target({ dbname: 'no_such_db_tsdbt', password, retries: 3 }), ctx);
    const started = Date.now();
    const err = await errorOf(driver.connect());
    expect(Date.now() - started).toBeLessThan(200);
    expect(err.code).toBe('3D000');
    expect(err.message).toMatch(/^database `no_such_db_tsdbt` does not exist on [^ ]+:\d+$/);
    expect(err.message).not.toContain(password);
    await driver.close();
  });

  it('a refused port: clear message, retried with backoff', async () => {
    const quick = createPostgresDriver({ type: 'postgres', schema: 'public', host: '127.0.0.1', port: 1, user: 'postgres', dbname: 'x', retries: 0 }, ctx);
    const err = await errorOf(quick.connect());
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toBe('cannot connect to PostgreSQL at 127.0.0.1:1: connection refused (is the server running and accepting TCP connections?)');

    const retried = createPostgresDriver({ type: 'postgres', schema: 'public', host: '127.0.0.1', port: 1, user: 'postgres', dbname: 'x', retries: 2 }, ctx);
    const started = Date.now();
    await errorOf(retried.connect());
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(700); // 250 ms + 500 ms
    expect(took).toBeLessThan(10_000);
  });

  it('never shows a password from the URL, nor the URL', async () => {
    const url = 'postgres://postgres:s3cret@127.0.0.1:1/x';
    const driver = createPostgresDriver({ type: 'postgres', schema: 'public', url, retries: 0 }, ctx);
    const err = await errorOf(driver.connect());
    expect(err.message).toMatch(/connection refused/);
    expect(err.message).not.toContain('s3cret');
    expect(err.message).not.toContain(url);
    expect(String(err.stack)).not.toContain('s3cret');
  });

  it('a server that never answers: times out after connect_timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const driver = createPostgresDriver({ type: 'postgres', schema: 'public', host: '127.0.0.1', port, user: 'u', dbname: 'd', connect_timeout: 0.3, retries: 1 }, ctx);
      const started = Date.now();
      const err = await errorOf(driver.connect());
      expect(err.message).toBe(`timed out after 0.3s connecting to 127.0.0.1:${port}`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(800); // two attempts and a 250 ms pause
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('an unknown host', async () => {
    const driver = createPostgresDriver({ type: 'postgres', schema: 'public', host: 'no-such-host.invalid', user: 'u', dbname: 'd', retries: 0 }, ctx);
    const err = await errorOf(driver.connect());
    expect(err.message).toBe('cannot resolve host `no-such-host.invalid`');
  });

  it('sets the role and search_path', async () => {
    const conn = await driverFor({ role: 'pg_monitor', search_path: 'other, public' }).connect();
    const r = await conn.execute('select current_role as r, current_setting($1) as sp', ['search_path']);
    expect(r.rows).toEqual([{ r: 'pg_monitor', sp: 'other, public' }]);
    const err = await errorOf(driverFor({ role: 'no_such_role_tsdbt' }).connect());
    expect(err.message).toMatch(/cannot SET ROLE `no_such_role_tsdbt`.*role "no_such_role_tsdbt" does not exist/);
  });
});
