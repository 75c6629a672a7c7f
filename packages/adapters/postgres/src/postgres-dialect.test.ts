// The dialect's SQL, run on a real PostgreSQL server where it matters (seed type inference, swaps).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PostgresDialect } from './postgres-dialect.js';

const d = new PostgresDialect();
// The server found (or started) by tests/support/pg-global-setup.ts.
const url = inject('pgUrl');
let client: pg.Client;
let schema: string;

beforeAll(async () => {
  client = new pg.Client({ connectionString: url });
  await client.connect();
  schema = `tsdbt_dialect_${process.pid}_${Date.now()}`;
  await client.query(d.createSchema(schema));
});

afterAll(async () => {
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

describe('names', () => {
  it('quotes every part and leaves the database out', () => {
    expect(d.relationName({ database: 'db', schema: 'My Schema', identifier: 'a"b' })).toBe('"My Schema"."a""b"');
  });

  it('folds plain names the way Postgres folds unquoted identifiers', () => {
    expect(d.unquotedName('CustomerId')).toBe('customerid');
    expect(d.unquotedName('Customer Id')).toBe('Customer Id');
  });
});

describe('seed type inference (dbt rules, no TRY_CAST in Postgres 15)', () => {
  it('finds the first kind every value fits, and leaves impossible values as text', async () => {
    const rel = { schema, identifier: 'kinds' };
    const cols = ['int', 'big', 'num', 'day', 'bad_day', 'ts', 'iso_ts', 'bad_ts', 'flag', 'code', 'empty'];
    await client.query(`create table ${d.relationName(rel)} (${cols.map((c) => `"${c}" text`).join(', ')})`);
    await client.query(`insert into ${d.relationName(rel)} values
      ('1', '1', '1.5', '2024-01-31', '2024-02-30', '2024-01-01 10:00:00', '2024-01-01T10:00', '2024-01-01 24:00:00', 'true', '007', null),
      ('-2', '9999999999', '.5', '2024-02-29', '2024-01-01', '2024-12-31 23:59:59', '2024-01-01T10:00:00.123', '2024-01-01 10:00:00', 'FALSE', 'x', null),
      (null, null, '+3', null, null, null, null, null, null, null, null)`);
    const res = await client.query(d.inferSeedKinds(rel, cols));
    expect(res.rows[0]).toEqual({ int: 'integer', big: 'number', num: 'number', day: 'date', bad_day: 'text', ts: 'timestamp', iso_ts: 'timestamp', bad_ts: 'text', flag: 'boolean', code: 'text', empty: 'text' });
    // On a sample, only the first rows count.
    const sample = await client.query(d.inferSeedKinds(rel, ['code'], 1));
    expect(sample.rows[0]).toEqual({ code: 'integer' });
  });

  it('converts text columns in place with USING', async () => {
    const rel = { schema, identifier: 'conv' };
    await client.query(`create table ${d.relationName(rel)} ("Amount" text)`);
    await client.query(`insert into ${d.relationName(rel)} values ('42'), (null)`);
    await client.query(d.alterColumnType(rel, 'Amount', 'integer'));
    const res = await client.query(`select "Amount" + 1 as n from ${d.relationName(rel)} order by 1`);
    expect(res.rows).toEqual([{ n: 43 }, { n: null }]);
  });
});

describe('COPY errors', () => {
  it('reads the line and column from the CONTEXT line', () => {
    expect(d.explainCsvError('invalid input syntax for type integer: "zz"\nCONTEXT: COPY t__tsdbt_tmp, line 4, column amount: "zz"')).toEqual({ line: 4, reason: 'value "zz" in column `amount` is not a valid integer' });
    expect(d.explainCsvError('extra data after last expected column\nCONTEXT: COPY t, line 3: "1,2,3"')).toEqual({ line: 3, reason: 'row has more fields than the header' });
    expect(d.explainCsvError('relation "x" does not exist')).toBeUndefined();
  });
});

describe('merge and delete+insert', () => {
  it('runs MERGE with NULL-safe composite keys on Postgres 15', async () => {
    const target = { schema, identifier: 'm_target' };
    const source = { schema, identifier: 'm_source' };
    await client.query(`create table ${d.relationName(target)} (k1 int, k2 text, v int)`);
    await client.query(`insert into ${d.relationName(target)} values (1, null, 10), (2, 'a', 20)`);
    await client.query(`create table ${d.relationName(source)} as select * from (values (1, null::text, 11), (3, 'b', 30)) s(k1, k2, v)`);
    await client.query(d.merge(target, source, { uniqueKey: ['k1', 'k2'], columns: ['k1', 'k2', 'v'], updateColumns: ['v'] }));
    const res = await client.query(`select k1, k2, v from ${d.relationName(target)} order by k1`);
    expect(res.rows).toEqual([
      { k1: 1, k2: null, v: 11 },
      { k1: 2, k2: 'a', v: 20 },
      { k1: 3, k2: 'b', v: 30 },
    ]);
    await client.query(d.deleteMatching(target, source, { uniqueKey: ['k1', 'k2'], predicates: ['DBT_INTERNAL_DEST.v > 0'] }));
    expect((await client.query(`select k1 from ${d.relationName(target)}`)).rows).toEqual([{ k1: 2 }]);
  });
});

describe('key matching', () => {
  it('is hashable and NULL-safe (arrays), or plain `=` when core found no NULL among the new keys', () => {
    const t = { schema: 's', identifier: 't' };
    const src = { schema: 's', identifier: 'src' };
    expect(d.deleteMatching(t, src, { uniqueKey: ['id'] })).toContain('(ARRAY[DBT_INTERNAL_SOURCE."id"] = ARRAY[DBT_INTERNAL_DEST."id"])');
    expect(d.deleteMatching(t, src, { uniqueKey: ['id'], nullFreeSourceKeys: true })).toContain('(DBT_INTERNAL_SOURCE."id" = DBT_INTERNAL_DEST."id")');
    expect(d.merge(t, src, { uniqueKey: ['id'], columns: ['id', 'v'], updateColumns: ['v'], nullFreeSourceKeys: true })).toContain('ON (DBT_INTERNAL_SOURCE."id" = DBT_INTERNAL_DEST."id")');
  });
});
