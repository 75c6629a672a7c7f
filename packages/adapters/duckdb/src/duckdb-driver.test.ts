// Runs against a real DuckDB in a temp dir.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Connection, Driver, TargetConfig } from '@tsdbt/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBDialect } from './duckdb-dialect.js';
import { DuckDBError, createDuckDBDriver, resolveDatabasePath } from './duckdb-driver.js';
import { DuckDBIntrospector } from './duckdb-introspector.js';
import duckdbAdapter from './index.js';

let dir: string;
const drivers: Driver[] = [];
const dialect = new DuckDBDialect();

function target(extra: Record<string, unknown> = {}): TargetConfig {
  return { type: 'duckdb', schema: 'main', ...extra };
}

function driverFor(file: string, extra: Record<string, unknown> = {}): Driver {
  const driver = createDuckDBDriver(target({ path: file, ...extra }), { projectDir: dir, projectName: 'proj' });
  drivers.push(driver);
  return driver;
}

/** Whether a separate Node process can open the file (DuckDB locks it per process). */
async function otherProcessCanOpen(file: string): Promise<{ ok: boolean; message: string }> {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('@duckdb/node-api')).href;
  const script = `import { DuckDBInstance } from ${JSON.stringify(api)};
try { const i = await DuckDBInstance.create(${JSON.stringify(file)}); i.closeSync(); console.log('opened'); }
catch (e) { console.log(e.message); process.exitCode = 3; }`;
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    return { ok: true, message: stdout.trim() };
  } catch (e) {
    return { ok: false, message: String((e as { stdout?: string }).stdout ?? e).trim() };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdbt-duckdb-'));
});

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('target config', () => {
  it('resolves relative paths against the project dir, defaults to <project>.duckdb, keeps :memory:', () => {
    const ctx = { projectDir: '/p/proj', projectName: 'jaffle' };
    expect(resolveDatabasePath(target({ path: 'target/dev.duckdb' }), ctx)).toBe('/p/proj/target/dev.duckdb');
    expect(resolveDatabasePath(target({ path: '/abs/x.duckdb' }), ctx)).toBe('/abs/x.duckdb');
    expect(resolveDatabasePath(target(), ctx)).toBe('/p/proj/jaffle.duckdb');
    expect(resolveDatabasePath(target({ path: ':memory:' }), ctx)).toBe(':memory:');
    expect(() => resolveDatabasePath(target({ path: 3 }), ctx)).toThrow(/path/);
    expect(() => createDuckDBDriver(target({ settings: ['x'] }), ctx)).toThrow(/settings/);
  });

  it('creates the parent directory and applies settings at open (including ICU TimeZone)', async () => {
    const file = join(dir, 'nested', 'deeper', 'settings.duckdb');
    const driver = driverFor(file, { settings: { memory_limit: '512MB', threads: 2, TimeZone: 'America/New_York' } });
    const conn = await driver.connect();
    const { rows } = await conn.execute(
      "select current_setting('memory_limit') as mem, current_setting('threads') as threads, current_setting('TimeZone') as tz",
    );
    expect(rows).toEqual([{ mem: '488.2 MiB', threads: 2, tz: 'America/New_York' }]);
    expect(existsSync(file)).toBe(true);
  });

  it('opens the default file through the adapter object', async () => {
    const driver = duckdbAdapter.createDriver(target(), { projectDir: dir, projectName: 'defaultproj' });
    drivers.push(driver);
    const conn = await driver.connect();
    const { rows } = await conn.execute('select current_database() as db');
    expect(rows).toEqual([{ db: 'defaultproj' }]);
    expect(existsSync(join(dir, 'defaultproj.duckdb'))).toBe(true);
    expect(duckdbAdapter.type).toBe('duckdb');
    expect(duckdbAdapter.createDialect(target()).name).toBe('duckdb');
  });
});

describe('execute', () => {
  let conn: Connection;
  beforeAll(async () => {
    const driver = createDuckDBDriver(target({ path: ':memory:' }), { projectDir: dir, projectName: 'proj' });
    conn = await driver.connect();
    afterAll(() => driver.close());
  });

  it('binds positional params ($n and ?)', async () => {
    const r = await conn.execute('select $1::INTEGER as a, $2 as b, $3 as c, $4 as d', [42, 'x', null, true]);
    expect(r.rows).toEqual([{ a: 42, b: 'x', c: null, d: true }]);
    expect(r.columns).toEqual([
      { name: 'a', type: 'INTEGER' },
      { name: 'b', type: 'VARCHAR' },
      { name: 'c', type: 'INTEGER' }, // an untyped NULL param binds as INTEGER
      { name: 'd', type: 'BOOLEAN' },
    ]);
    const q = await conn.execute('select ? + ? as s', [1, 2]);
    expect(q.rows).toEqual([{ s: 3 }]);
    const t = await conn.execute('select $1 as ts, $2 as big', [new Date('2024-05-06T07:08:09.010Z'), 2n ** 70n]);
    expect(t.rows).toEqual([{ ts: '2024-05-06T07:08:09.01', big: '1180591620717411303424' }]);
  });

  it('returns JSON-safe values with honest types', async () => {
    const r = await conn.execute(`select
      1::BIGINT as small_big,
      9007199254740993::BIGINT as huge_big,
      170141183460469231731687303715884105727::HUGEINT as hugeint,
      1.25::DECIMAL(10,2) as dec,
      0.1::DECIMAL(10,1) as dec_tenth,
      123456789012345678.12::DECIMAL(38,2) as dec_wide,
      date '2024-01-02' as d,
      timestamp '2024-01-02 03:04:05.123456' as ts,
      timestamp '2024-01-02 03:04:05' as ts_whole,
      timestamptz '2024-01-02 03:04:05+02' as tstz,
      'infinity'::TIMESTAMP as ts_inf,
      time '01:02:03' as t,
      interval 3 day as iv,
      [1::BIGINT, 2::BIGINT] as list_big,
      {'k': 9007199254740993::BIGINT, 'd': 2.50::DECIMAL(4,2)} as st,
      'nan'::DOUBLE as nan,
      1.5::DOUBLE as dbl,
      null::VARCHAR as nothing`);
    expect(r.rows).toEqual([
      {
        small_big: 1,
        huge_big: '9007199254740993',
        hugeint: '170141183460469231731687303715884105727',
        dec: 1.25,
        dec_tenth: 0.1,
        dec_wide: '123456789012345678.12',
        d: '2024-01-02',
        ts: '2024-01-02T03:04:05.123456',
        ts_whole: '2024-01-02T03:04:05',
        tstz: '2024-01-02T01:04:05Z',
        ts_inf: 'infinity',
        t: '01:02:03',
        iv: '3 days',
        list_big: [1, 2],
        st: { k: '9007199254740993', d: 2.5 },
        nan: 'NaN',
        dbl: 1.5,
        nothing: null,
      },
    ]);
    expect(() => JSON.stringify(r.rows)).not.toThrow();
    const types = Object.fromEntries(r.columns.map((c) => [c.name, c.type]));
    expect(types).toMatchObject({
      small_big: 'BIGINT',
      hugeint: 'HUGEINT',
      dec: 'DECIMAL(10,2)',
      d: 'DATE',
      ts: 'TIMESTAMP',
      tstz: 'TIMESTAMP WITH TIME ZONE',
      list_big: 'BIGINT[]',
      st: 'STRUCT("k" BIGINT, "d" DECIMAL(4,2))',
    });
  });

  it('keeps duplicate and __proto__ column names as plain data', async () => {
    const r = await conn.execute('select 1 as a, 2 as a, 3 as "__proto__"');
    expect(r.columns.map((c) => c.name)).toEqual(['a', 'a:1', '__proto__']);
    expect(Object.getPrototypeOf(r.rows[0])).toBe(Object.prototype);
    expect(Object.keys(r.rows[0]!)).toEqual(['a', 'a:1', '__proto__']);
    expect(r.rows[0]!['__proto__']).toBe(3);
  });

  it('reports rowsAffected for CTAS and DML', async () => {
    expect((await conn.execute('create table ra as select range as id from range(5)')).rowsAffected).toBe(5);
    expect((await conn.execute('insert into ra values (10), (11)')).rowsAffected).toBe(2);
    expect((await conn.execute('update ra set id = id + 1 where id >= 10')).rowsAffected).toBe(2);
    expect((await conn.execute('delete from ra where id > 3')).rowsAffected).toBe(3);
    expect((await conn.execute('select * from ra')).rowsAffected).toBeUndefined();
  });

  it('supports MERGE INTO', async () => {
    await conn.execute('create table m (id INTEGER, v VARCHAR)');
    await conn.execute("insert into m values (1, 'old')");
    const r = await conn.execute(`merge into m using (select * from (values (1, 'new'), (2, 'ins')) s(id, v)) s on m.id = s.id
      when matched then update set v = s.v when not matched then insert values (s.id, s.v)`);
    expect(r.rowsAffected).toBe(2);
    expect((await conn.execute('select * from m order by id')).rows).toEqual([
      { id: 1, v: 'new' },
      { id: 2, v: 'ins' },
    ]);
  });

  it('runs several statements and returns the last result; empty SQL is a no-op', async () => {
    const r = await conn.execute('create table ms as select 1 as x; insert into ms values (2); select sum(x) as s from ms');
    expect(r.rows).toEqual([{ s: 3 }]);
    expect((await conn.execute('')).rows).toEqual([]);
    expect((await conn.execute('-- just a comment')).rows).toEqual([]);
  });

  it("throws DuckDB's own message", async () => {
    const err = await conn.execute('select * from no_such_table').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DuckDBError);
    expect(err).toBeInstanceOf(Error);
    expect((err as DuckDBError).message).toMatch(/^Catalog Error: Table with name no_such_table does not exist!/);
    expect((err as DuckDBError).errorType).toBe('Catalog');

    const parse = (await conn.execute('selec 1', [1]).catch((e: unknown) => e)) as Error;
    expect(parse.message).toMatch(/^Parser Error: syntax error at or near "selec"/);
    const parseNoParams = (await conn.execute('selec 1').catch((e: unknown) => e)) as Error;
    expect(parseNoParams.message).toMatch(/^Parser Error: syntax error at or near "selec"/);

    // the connection is still usable
    expect((await conn.execute('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('cancels a running statement', async () => {
    for (const delay of [0, 100]) {
      const running = conn.execute('select sum(hash(range)) from range(1000000000000)');
      await new Promise((r) => setTimeout(r, delay));
      await conn.cancel!();
      const err = (await running.catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(DuckDBError);
      expect(err.message).toMatch(/^INTERRUPT Error: Interrupted!/);
    }
    expect((await conn.execute('select 2 as two')).rows).toEqual([{ two: 2 }]);
  });
});

describe('transactions', () => {
  it('rollback undoes a CREATE TABLE and a RENAME', async () => {
    const driver = driverFor(join(dir, 'txn.duckdb'));
    const conn = await driver.connect();
    await conn.execute(dialect.createSchema('tx'));
    await conn.execute(dialect.createTableAs({ schema: 'tx', identifier: 'keep' }, 'select 1 as id'));
    await conn.begin();
    await conn.execute(dialect.createTableAs({ schema: 'tx', identifier: 'fresh' }, 'select 2 as id'));
    await conn.execute(dialect.renameRelation({ schema: 'tx', identifier: 'keep' }, 'table', 'renamed'));
    await conn.execute(dialect.createView({ schema: 'tx', identifier: 'v' }, 'select * from tx.renamed'));
    const inside = await new DuckDBIntrospector().listRelations(conn, 'tx');
    expect(inside.map((r) => r.identifier)).toEqual(['fresh', 'renamed', 'v']);
    await conn.rollback();
    const after = await new DuckDBIntrospector().listRelations(conn, 'tx');
    expect(after).toEqual([{ schema: 'tx', identifier: 'keep', kind: 'table' }]);

    await conn.begin();
    await conn.execute(dialect.renameRelation({ schema: 'tx', identifier: 'keep' }, 'table', 'kept'));
    await conn.commit();
    expect((await conn.execute('select id from tx.kept')).rows).toEqual([{ id: 1 }]);
  });
});

describe('concurrency', () => {
  it('runs CTAS on 4 connections in the same schema at once', async () => {
    const driver = driverFor(join(dir, 'concurrent.duckdb'));
    const conns = await Promise.all([0, 1, 2, 3].map(() => driver.connect()));
    // Schemas first: concurrent CREATE SCHEMA IF NOT EXISTS of one schema can hit a write-write conflict.
    await conns[0]!.execute(dialect.createSchema('par'));
    await Promise.all(
      conns.map(async (conn, i) => {
        await conn.begin();
        await conn.execute(
          dialect.createTableAs({ schema: 'par', identifier: `t${i}__tmp` }, `select range as id, ${i} as n from range(300000)`),
        );
        await conn.execute(dialect.dropRelation({ schema: 'par', identifier: `t${i}` }, 'table'));
        await conn.execute(dialect.renameRelation({ schema: 'par', identifier: `t${i}__tmp` }, 'table', `t${i}`));
        await conn.commit();
      }),
    );
    const rels = await new DuckDBIntrospector().listRelations(conns[0]!, 'par');
    expect(rels.map((r) => r.identifier)).toEqual(['t0', 't1', 't2', 't3']);
    const { rows } = await conns[1]!.execute('select count(*) as c, sum(n) as s from (select n from par.t0 union all select n from par.t3)');
    expect(rows).toEqual([{ c: 600000, s: 900000 }]);
  });

  it('shares one instance between drivers on the same file in this process', async () => {
    const file = join(dir, 'shared.duckdb');
    const a = await driverFor(file).connect();
    const second = driverFor(file);
    const b = await second.connect();
    await a.execute('create table shared_t as select 7 as v');
    expect((await b.execute('select v from shared_t')).rows).toEqual([{ v: 7 }]);
    await second.close();
    expect((await a.execute('select v from shared_t')).rows).toEqual([{ v: 7 }]);
  });
});

describe('introspection', () => {
  it('lists tables and views and their columns', async () => {
    const driver = driverFor(join(dir, 'catalog_intro.duckdb'));
    const conn = await driver.connect();
    const intro = new DuckDBIntrospector();
    await conn.execute(dialect.createSchema('Intro'));
    await conn.execute(
      dialect.createTableAs({ schema: 'Intro', identifier: 'b_table' }, "select 1::BIGINT as id, 'x' as \"Name\", 1.5::DECIMAL(6,2) as amount"),
    );
    await conn.execute(dialect.createView({ schema: 'Intro', identifier: 'a_view' }, 'select id from "Intro".b_table'));
    await conn.execute('create table main.elsewhere as select 1 as x');

    expect(await intro.listRelations(conn, 'Intro')).toEqual([
      { schema: 'Intro', identifier: 'a_view', kind: 'view' },
      { schema: 'Intro', identifier: 'b_table', kind: 'table' },
    ]);
    expect(await intro.listRelations(conn, 'intro', 'CATALOG_INTRO')).toHaveLength(2); // case-insensitive, like DuckDB
    expect(await intro.listRelations(conn, 'Intro', 'other_db')).toEqual([]);
    expect(await intro.listRelations(conn, 'missing')).toEqual([]);

    expect(await intro.getColumns(conn, { schema: 'Intro', identifier: 'b_table' })).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'Name', type: 'VARCHAR' },
      { name: 'amount', type: 'DECIMAL(6,2)' },
    ]);
    expect(await intro.getColumns(conn, { database: 'catalog_intro', schema: 'Intro', identifier: 'a_view' })).toEqual([
      { name: 'id', type: 'BIGINT' },
    ]);
    expect(await intro.getColumns(conn, { schema: 'Intro', identifier: 'nope' })).toEqual([]);
  });
});

describe('close', () => {
  it('releases the file lock (same process and another process)', async () => {
    const file = join(dir, 'lock.duckdb');
    const driver = driverFor(file);
    const [c1, c2] = await Promise.all([driver.connect(), driver.connect()]);
    await c1.execute('create table locked as select 1 as x');
    await c2.execute('select * from locked');

    const whileOpen = await otherProcessCanOpen(file);
    expect(whileOpen.ok).toBe(false);
    expect(whileOpen.message).toMatch(/lock/i);

    await driver.close();
    await driver.close(); // idempotent
    await expect(driver.connect()).rejects.toThrow(/closed/);
    await expect(c1.execute('select 1')).rejects.toThrow(/closed/);

    const reopened = await DuckDBInstance.create(file);
    const conn = await reopened.connect();
    expect((await conn.runAndReadAll('select x from locked')).getRowsJson()).toEqual([[1]]);
    conn.closeSync();
    reopened.closeSync();

    expect(await otherProcessCanOpen(file)).toEqual({ ok: true, message: 'opened' });
  });

  it('close interrupts a running statement', async () => {
    const driver = driverFor(':memory:');
    const conn = await driver.connect();
    const running = conn.execute('select sum(hash(range)) from range(1000000000000)');
    await new Promise((r) => setTimeout(r, 50));
    await driver.close();
    await expect(running).rejects.toThrow(/INTERRUPT Error/);
  });
});
