// Incremental models on every adapter: each strategy across three runs (inserted, updated and
// late-arriving rows), composite keys, on_schema_change, full refresh, atomicity — and a process
// killed mid-run. The same scenarios and expected rows on DuckDB and Postgres.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProject, run, type NodeResult, type RunOptions } from '@tsdbt/core';
import { copyFixture, repoRoot } from '../support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse, type WarehouseKind } from '../support/warehouse.js';

const RAW_SQL = [
  'create schema if not exists main',
  'create schema raw',
  'create table raw.events (id integer, status varchar, amount integer, event_date date, loaded_at integer)',
  'create table raw.sales (day date, category varchar, amount integer, loaded_at integer)',
];

/** Three loads of the events log: new rows; a new row and an update; a late-arriving row and two updates. */
const EVENT_BATCHES = [
  `insert into raw.events values (1, 'new', 10, date '2024-01-01', 1), (2, 'new', 20, date '2024-01-02', 1), (3, 'new', 30, date '2024-01-03', 1)`,
  `insert into raw.events values (4, 'new', 40, date '2024-01-04', 2), (2, 'shipped', 25, date '2024-01-02', 2)`,
  `insert into raw.events values (5, 'new', 50, date '2023-12-31', 3), (4, 'shipped', 45, date '2024-01-04', 3), (1, 'returned', 0, date '2024-01-01', 3)`,
];

/** Sales per (day, category), category sometimes NULL; batch 3 brings a late sale for 2024-01-01. */
const SALES_BATCHES = [
  `insert into raw.sales values (date '2024-01-01', 'a', 10, 1), (date '2024-01-01', null, 5, 1), (date '2024-01-02', 'a', 7, 1)`,
  `insert into raw.sales values (date '2024-01-02', 'b', 3, 2), (date '2024-01-02', 'a', 1, 2)`,
  `insert into raw.sales values (date '2024-01-01', null, 2, 3), (date '2024-01-03', 'a', 4, 3)`,
];

/** The fixture's events model body with another config: the latest version of each event in the new batches. */
const eventsModel = (config: string) =>
  `{{ config(${config}) }}\n` +
  'select id, status, amount, event_date, loaded_at\nfrom (\n' +
  "  select id, status, amount, event_date, loaded_at, row_number() over (partition by id order by loaded_at desc) as rn\n  from {{ source('raw', 'events') }}\n" +
  '  {% if is_incremental() %} where loaded_at > (select max(loaded_at) from {{ this }}) {% endif %}\n' +
  ') as latest\nwhere rn = 1\n';

const ev = (id: number, status: string, amount: number, loaded_at: number) => ({ id, status, amount, loaded_at });

/** After all three batches with a unique key: one row per id, its latest version. */
const UPSERTED = [ev(1, 'returned', 0, 3), ev(2, 'shipped', 25, 2), ev(3, 'new', 30, 1), ev(4, 'shipped', 45, 3), ev(5, 'new', 50, 3)];

describe.each(WAREHOUSES)('%s', (kind) => {
  let dir: string;
  let wh: Warehouse;

  beforeEach(async () => {
    dir = copyFixture('incremental');
    wh = createWarehouse(kind);
    await wh.attach(dir);
    await wh.sql(RAW_SQL);
  });

  afterEach(async () => {
    await wh.dispose();
  });

  async function runModel(select: string, options: RunOptions = {}): Promise<NodeResult> {
    const result = await run(await loadProject({ projectDir: dir }), { select, ...options });
    expect(result.results).toHaveLength(1);
    return result.results[0]!;
  }

  function writeModel(name: string, sql: string): void {
    writeFileSync(path.join(dir, 'models', `${name}.sql`), sql);
  }

  const events = (table: string) => wh.sql(`select id, status, amount, loaded_at from main.${table} order by id, loaded_at`);
  const columnsOf = async (table: string) => (await wh.columns(table)).map((c) => `${c.name} ${c.type}`);

  describe('strategies across three runs', () => {
    it.each([
      ['events_merge', 'MERGE'],
      ['events_delete_insert', 'INSERT'],
      ['events_default', 'INSERT'], // the default is delete+insert with a unique_key, as in dbt-duckdb and dbt-postgres
    ])('%s upserts inserted, updated and late-arriving rows by unique_key', async (model, verb) => {
      await wh.sql(EVENT_BATCHES[0]!);
      const first = await runModel(model);
      expect(first).toMatchObject({ status: 'success', message: 'SELECT 3', rowsAffected: 3 });
      expect(first.compiledSql).not.toContain('max(loaded_at)');
      expect(await events(model)).toEqual([ev(1, 'new', 10, 1), ev(2, 'new', 20, 1), ev(3, 'new', 30, 1)]);

      await wh.sql(EVENT_BATCHES[1]!);
      const second = await runModel(model);
      expect(second).toMatchObject({ status: 'success', message: `${verb} 2`, rowsAffected: 2 });
      // {{ this }} in the is_incremental() filter is the model's own table.
      expect(second.compiledSql).toContain(`where loaded_at > (select max(loaded_at) from "main"."${model}")`);
      expect(await events(model)).toEqual([ev(1, 'new', 10, 1), ev(2, 'shipped', 25, 2), ev(3, 'new', 30, 1), ev(4, 'new', 40, 2)]);

      await wh.sql(EVENT_BATCHES[2]!);
      expect(await runModel(model)).toMatchObject({ status: 'success', message: `${verb} 3`, rowsAffected: 3 });
      expect(await events(model)).toEqual(UPSERTED);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('append inserts every new row, keeping earlier versions', async () => {
      for (const [i, batch] of EVENT_BATCHES.entries()) {
        await wh.sql(batch);
        const r = await runModel('events_append');
        expect(r).toMatchObject({ status: 'success', message: i === 0 ? 'SELECT 3' : `INSERT ${i === 1 ? 2 : 3}` });
      }
      expect(await events('events_append')).toEqual([
        ev(1, 'new', 10, 1),
        ev(1, 'returned', 0, 3),
        ev(2, 'new', 20, 1),
        ev(2, 'shipped', 25, 2),
        ev(3, 'new', 30, 1),
        ev(4, 'new', 40, 2),
        ev(4, 'shipped', 45, 3),
        ev(5, 'new', 50, 3),
      ]);
    });

    it('merge without a unique_key inserts every new row (nothing matches, as in dbt)', async () => {
      writeModel('events_merge', eventsModel("incremental_strategy='merge'"));
      await wh.sql(EVENT_BATCHES[0]!);
      await runModel('events_merge');
      await wh.sql(EVENT_BATCHES[1]!);
      expect(await runModel('events_merge')).toMatchObject({ status: 'success', message: 'MERGE 2' });
      expect((await events('events_merge')).map((r) => r.id)).toEqual([1, 2, 2, 3, 4]);
    });

    it.each([
      ['daily_sales_merge', 'MERGE'],
      ['daily_sales_delete_insert', 'INSERT'],
    ])('%s: composite unique_key, NULL key parts match NULL', async (model, verb) => {
      const sales = () =>
        wh.sql(`select cast(day as varchar) as day, category, cast(total as integer) as total, cast(orders as integer) as orders from main.${model} order by day, category nulls first`);
      await wh.sql(SALES_BATCHES[0]!);
      expect(await runModel(model)).toMatchObject({ status: 'success', message: 'SELECT 3' });

      await wh.sql(SALES_BATCHES[1]!);
      expect(await runModel(model)).toMatchObject({ status: 'success', message: `${verb} 2` });
      expect(await sales()).toEqual([
        { day: '2024-01-01', category: null, total: 5, orders: 1 },
        { day: '2024-01-01', category: 'a', total: 10, orders: 1 },
        { day: '2024-01-02', category: 'a', total: 8, orders: 2 },
        { day: '2024-01-02', category: 'b', total: 3, orders: 1 },
      ]);

      // The late sale recomputes 2024-01-01: its (day, NULL) row is replaced, not duplicated.
      await wh.sql(SALES_BATCHES[2]!);
      expect(await runModel(model)).toMatchObject({ status: 'success', message: `${verb} 3` });
      expect(await sales()).toEqual([
        { day: '2024-01-01', category: null, total: 7, orders: 2 },
        { day: '2024-01-01', category: 'a', total: 10, orders: 1 },
        { day: '2024-01-02', category: 'a', total: 8, orders: 2 },
        { day: '2024-01-02', category: 'b', total: 3, orders: 1 },
        { day: '2024-01-03', category: 'a', total: 4, orders: 1 },
      ]);
    });

    it('incremental_predicates narrow the rows a merge may match (dbt aliases DBT_INTERNAL_DEST/SOURCE)', async () => {
      writeModel('events_merge', eventsModel("unique_key='id', incremental_strategy='merge', incremental_predicates=[\"DBT_INTERNAL_DEST.event_date >= date '2024-01-02'\"]"));
      await wh.sql([EVENT_BATCHES[0]!, EVENT_BATCHES[1]!]);
      await runModel('events_merge');
      await wh.sql(EVENT_BATCHES[2]!);
      expect(await runModel('events_merge')).toMatchObject({ status: 'success', message: 'MERGE 3' });
      // id 1 (2024-01-01) is outside the predicate, so its update is inserted beside the old row.
      expect(await events('events_merge')).toEqual([ev(1, 'new', 10, 1), ev(1, 'returned', 0, 3), ev(2, 'shipped', 25, 2), ev(3, 'new', 30, 1), ev(4, 'shipped', 45, 3), ev(5, 'new', 50, 3)]);
    });

    it('rejects an unknown strategy and a unique_key the model does not return', async () => {
      await wh.sql(EVENT_BATCHES[0]!);
      await runModel('events_merge');
      writeModel('events_merge', "{{ config(unique_key='id', incremental_strategy='merg') }}\nselect 1 as id\n");
      const bad = await runModel('events_merge');
      expect(bad.status).toBe('error');
      expect(bad.message).toContain('unknown incremental_strategy `merg`');
      expect(bad.message).toContain('did you mean `merge`?');

      writeModel('events_merge', "{{ config(unique_key='event_id', incremental_strategy='merge') }}\nselect id, status, amount, event_date, loaded_at from {{ source('raw', 'events') }}\n");
      const missing = await runModel('events_merge');
      expect(missing.status).toBe('error');
      expect(missing.message).toContain('unique_key column(s) `event_id` not found');
      expect(await events('events_merge')).toEqual([ev(1, 'new', 10, 1), ev(2, 'new', 20, 1), ev(3, 'new', 30, 1)]);
      expect(await wh.leftovers()).toEqual([]);
    });
  });

  describe('full refresh', () => {
    it('--full-refresh rebuilds the table from scratch', async () => {
      await wh.sql(EVENT_BATCHES[0]!);
      await runModel('events_merge');
      await wh.sql([EVENT_BATCHES[1]!, 'delete from raw.events where id = 3']);
      const r = await runModel('events_merge', { fullRefresh: true });
      expect(r).toMatchObject({ status: 'success', message: 'SELECT 3' });
      expect(r.compiledSql).not.toContain('max(loaded_at)');
      expect(await events('events_merge')).toEqual([ev(1, 'new', 10, 1), ev(2, 'shipped', 25, 2), ev(4, 'new', 40, 2)]);
    });

    it('full_refresh: false protects the model from --full-refresh; full_refresh: true always rebuilds', async () => {
      const sql = (fr: boolean) => eventsModel(`unique_key='id', incremental_strategy='merge', full_refresh=${fr ? 'true' : 'false'}`);
      writeModel('events_merge', sql(false));
      await wh.sql(EVENT_BATCHES[0]!);
      await runModel('events_merge');
      await wh.sql([EVENT_BATCHES[1]!, 'delete from raw.events where id = 3']);
      expect(await runModel('events_merge', { fullRefresh: true })).toMatchObject({ status: 'success', message: 'MERGE 2' });
      expect(await events('events_merge')).toEqual([ev(1, 'new', 10, 1), ev(2, 'shipped', 25, 2), ev(3, 'new', 30, 1), ev(4, 'new', 40, 2)]);

      writeModel('events_merge', sql(true));
      expect(await runModel('events_merge')).toMatchObject({ status: 'success', message: 'SELECT 3' });
      expect(await events('events_merge')).toEqual([ev(1, 'new', 10, 1), ev(2, 'shipped', 25, 2), ev(4, 'new', 40, 2)]);
    });

    it('a view at the name is replaced by a table (no incremental run onto a view)', async () => {
      await wh.sql([EVENT_BATCHES[0]!, 'create view main.events_merge as select 1 as id']);
      const r = await runModel('events_merge');
      expect(r).toMatchObject({ status: 'success', message: 'SELECT 3' });
      expect(await wh.relations()).toEqual([{ name: 'events_merge', kind: 'table' }]);
      expect(await events('events_merge')).toEqual([ev(1, 'new', 10, 1), ev(2, 'new', 20, 1), ev(3, 'new', 30, 1)]);
    });
  });

  describe('on_schema_change', () => {
    // raw.items changes shape between runs; the model follows it with select *.
    const model = (mode: string, strategy = 'merge') =>
      writeModel('items', `{{ config(unique_key='id', incremental_strategy='${strategy}', on_schema_change='${mode}') }}\nselect * from raw.items\n{% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}\n`);
    const items = () => wh.sql('select * from main.items order by id');

    beforeEach(async () => {
      await wh.sql(['create table raw.items (id integer, a integer, b varchar)', "insert into raw.items values (1, 10, 'x'), (2, 20, 'y')"]);
    });

    it('ignore (the default) writes only the columns the table has; a removed column fails clearly', async () => {
      writeModel('items', "{{ config(unique_key='id') }}\nselect * from raw.items\n{% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}\n");
      await runModel('items');
      await wh.sql(['alter table raw.items add column c integer', "insert into raw.items values (3, 30, 'z', 300)"]);
      expect(await runModel('items')).toMatchObject({ status: 'success', message: 'INSERT 1' });
      expect(await columnsOf('items')).toEqual(['id integer', 'a integer', 'b varchar']);
      expect(await items()).toEqual([
        { id: 1, a: 10, b: 'x' },
        { id: 2, a: 20, b: 'y' },
        { id: 3, a: 30, b: 'z' },
      ]);

      await wh.sql(['alter table raw.items drop column b', 'insert into raw.items values (4, 40, 400)']);
      const r = await runModel('items');
      expect(r.status).toBe('error');
      expect(r.message).toContain('"main"."items" has column(s) the model no longer returns: b');
      expect(r.message).toContain('on_schema_change');
      expect(await items()).toHaveLength(3);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('fail lists added, removed and retyped columns and changes nothing', async () => {
      model('fail');
      await runModel('items');
      await wh.sql(['alter table raw.items add column c integer', 'alter table raw.items drop column b', 'alter table raw.items alter column a type bigint', 'insert into raw.items values (3, 30, 300)']);
      const r = await runModel('items');
      expect(r.status).toBe('error');
      // The message names types as the warehouse's catalog spells them.
      const t = kind === 'duckdb' ? { integer: 'INTEGER', bigint: 'BIGINT', varchar: 'VARCHAR' } : { integer: 'integer', bigint: 'bigint', varchar: 'character varying' };
      expect(r.message).toBe(
        [
          'models/items.sql: incremental model `items`: the model\'s columns and "main"."items" are out of sync (on_schema_change: fail)',
          `  columns in the model, not in the table: c (${t.integer})`,
          `  columns in the table, not in the model: b (${t.varchar})`,
          `  changed types: a ${t.integer} → ${t.bigint}`,
          '  set on_schema_change to append_new_columns or sync_all_columns, or rebuild it with --full-refresh',
        ].join('\n'),
      );
      expect(await columnsOf('items')).toEqual(['id integer', 'a integer', 'b varchar']);
      expect(await items()).toHaveLength(2);
      expect(await wh.leftovers()).toEqual([]);

      // Without a change, fail runs normally.
      await wh.sql(['drop table raw.items', "create table raw.items as select 3 as id, 30 as a, cast('z' as varchar) as b"]);
      expect(await runModel('items')).toMatchObject({ status: 'success', message: 'MERGE 1' });
      expect(await items()).toEqual([
        { id: 1, a: 10, b: 'x' },
        { id: 2, a: 20, b: 'y' },
        { id: 3, a: 30, b: 'z' },
      ]);
    });

    it('append_new_columns adds new columns, keeps removed ones (NULL in new rows) and their types', async () => {
      model('append_new_columns');
      await runModel('items');
      await wh.sql(['alter table raw.items add column c integer', 'alter table raw.items drop column b', 'alter table raw.items alter column a type bigint', 'insert into raw.items values (3, 30, 300)']);
      expect(await runModel('items')).toMatchObject({ status: 'success', message: 'MERGE 1' });
      expect(await columnsOf('items')).toEqual(['id integer', 'a integer', 'b varchar', 'c integer']);
      expect(await items()).toEqual([
        { id: 1, a: 10, b: 'x', c: null },
        { id: 2, a: 20, b: 'y', c: null },
        { id: 3, a: 30, b: null, c: 300 },
      ]);
    });

    it.each([
      ['merge', 'MERGE'],
      ['delete+insert', 'INSERT'],
    ])('%s still matches by a key column whose type changed (ignore keeps the table’s type)', async (strategy, verb) => {
      writeModel('items', `{{ config(unique_key='id', incremental_strategy='${strategy}') }}\nselect * from raw.items\n{% if is_incremental() %} where id >= 2 {% endif %}\n`);
      await runModel('items');
      await wh.sql(['alter table raw.items alter column id type bigint', 'update raw.items set a = 21 where id = 2', "insert into raw.items values (3, 30, 'z')"]);
      expect(await runModel('items')).toMatchObject({ status: 'success', message: `${verb} 2` });
      expect(await columnsOf('items')).toEqual(['id integer', 'a integer', 'b varchar']);
      expect(await items()).toEqual([
        { id: 1, a: 10, b: 'x' },
        { id: 2, a: 21, b: 'y' },
        { id: 3, a: 30, b: 'z' },
      ]);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('matches a varchar(n) key against a key the model now returns as a plain string', async () => {
      // On Postgres varchar(3) and text (from ||) are different types; on DuckDB both are VARCHAR.
      const codes = (expr: string) =>
        writeModel('codes', `{{ config(unique_key='code', incremental_strategy='merge') }}\nselect ${expr} as code, a from raw.items\n{% if is_incremental() %} where id >= 2 {% endif %}\n`);
      codes("cast(b as varchar(3))");
      await runModel('codes');
      codes("b || ''");
      await wh.sql(["update raw.items set a = 21 where id = 2", "insert into raw.items values (3, 30, 'z')"]);
      expect(await runModel('codes')).toMatchObject({ status: 'success', message: 'MERGE 2' });
      expect(await wh.sql('select code, a from main.codes order by code')).toEqual([
        { code: 'x', a: 10 },
        { code: 'y', a: 21 },
        { code: 'z', a: 30 },
      ]);
    });

    it('sync_all_columns adds new columns, drops removed ones and changes types', async () => {
      model('sync_all_columns');
      await runModel('items');
      await wh.sql(['alter table raw.items add column c integer', 'alter table raw.items drop column b', 'alter table raw.items alter column a type varchar', "insert into raw.items values (3, 'thirty', 300)"]);
      expect(await runModel('items')).toMatchObject({ status: 'success', message: 'MERGE 1' });
      expect(await columnsOf('items')).toEqual(['id integer', 'a varchar', 'c integer']);
      expect(await items()).toEqual([
        { id: 1, a: '10', c: null },
        { id: 2, a: '20', c: null },
        { id: 3, a: 'thirty', c: 300 },
      ]);
    });
  });

  describe('atomicity', () => {
    it('a failing incremental run leaves the table exactly as before (DDL and DML rolled back)', async () => {
      await wh.sql(['create table raw.items (id integer, a integer)', 'insert into raw.items values (1, 10), (2, 20)']);
      // >= re-selects the last row, so the delete touches an existing row before the insert fails.
      writeModel('items', "{{ config(unique_key='id', incremental_strategy='delete+insert', on_schema_change='append_new_columns') }}\nselect * from raw.items\n{% if is_incremental() %} where id >= (select max(id) from {{ this }}) {% endif %}\n");
      await runModel('items');
      const before = await wh.sql('select * from main.items order by id');
      // A new column (ALTER ADD), then a value that cannot go into the table's INTEGER column `a`
      // (append_new_columns keeps the table's type): both engines fail the insert as out of range.
      await wh.sql(['alter table raw.items add column c integer', 'alter table raw.items alter column a type bigint', 'insert into raw.items values (3, 1099511627776, 1)']);
      const r = await runModel('items');
      expect(r.status).toBe('error');
      expect(r.message).toMatch(/out of range/);
      expect(await columnsOf('items')).toEqual(['id integer', 'a integer']);
      expect(await wh.sql('select * from main.items order by id')).toEqual(before);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('a process SIGKILLed in the middle of an incremental run leaves the table as it was', async () => {
      // 200k rows first; then an incremental run over var('n') rows that adds a column and deletes the
      // matching rows before a long insert. The child prints each statement as it starts and ends.
      writeModel(
        'big',
        "{{ config(unique_key='id', incremental_strategy='delete+insert', on_schema_change='append_new_columns') }}\n" +
          "select cast(i as bigint) as id, md5(cast(i as varchar)) as h{% if is_incremental() %}, i % 7 as extra{% endif %}\n" +
          "from generate_series(0, {{ (var('n') if is_incremental() else 200000) - 1 }}) as t(i)\n",
      );
      await runModel('big');
      const digest = 'select cast(count(*) as integer) as n, md5(string_agg(h, \',\' order by id)) as digest from main.big';
      const before = await wh.sql(digest);
      expect(before[0]!.n).toBe(200_000);

      const out = await runAndKill(kind, dir);
      expect(out).toContain('end ALTER TABLE');
      expect(out).not.toContain('end INSERT INTO');
      expect(out).not.toContain('start COMMIT');

      // Nothing of the killed transaction is there: DuckDB replays its WAL on reopening; Postgres
      // aborts the transaction once the backend finds its client gone (a read waits for its locks).
      expect(await wh.sql(digest)).toEqual(before);
      expect(await columnsOf('big')).toEqual(['id bigint', 'h varchar']);
      expect(await wh.leftovers()).toEqual([]);

      // And the next run completes.
      const next = await run(await loadProject({ projectDir: dir, vars: { n: 1000 } }), { select: 'big' });
      expect(next.results[0]).toMatchObject({ status: 'success', message: 'INSERT 1000' });
      expect(await wh.sql('select cast(count(*) as integer) as n, cast(count(extra) as integer) as with_extra from main.big')).toEqual([{ n: 200_000, with_extra: 1000 }]);
    });
  });
});

/**
 * Run model `big` with var n = 4,000,000 in a child process using the built packages and the
 * profile attach() wrote; SIGKILL it once the long insert has started. Returns the child's output.
 */
async function runAndKill(kind: WarehouseKind, dir: string): Promise<string> {
  const core = pathToFileURL(path.join(repoRoot, 'packages/core/dist/index.js')).href;
  const adapterModule = pathToFileURL(path.join(repoRoot, `packages/adapters/${kind}/dist/index.js`)).href;
  const script = `
    import { loadProject, run } from ${JSON.stringify(core)};
    import base from ${JSON.stringify(adapterModule)};
    const say = (line) => process.stdout.write(line + '\\n');
    // The adapter, reporting each statement as it starts and ends.
    const adapter = { ...base, createDriver: (config, ctx) => {
      const driver = base.createDriver(config, ctx);
      return { ...driver, close: () => driver.close(), connect: async () => {
        const conn = await driver.connect();
        const execute = conn.execute.bind(conn);
        conn.execute = async (sql, params) => {
          const what = sql.trim().split(/\\s+/).slice(0, 2).join(' ').toUpperCase();
          say('start ' + what);
          const r = await execute(sql, params);
          say('end ' + what);
          return r;
        };
        return conn;
      } };
    } };
    const project = await loadProject({ projectDir: ${JSON.stringify(dir)}, vars: { n: 4000000 } });
    await run(project, { select: 'big', adapters: [adapter], onEvent: (e) => { if (e.type === 'node_started') say('node_started ' + e.name); } });
    say('finished');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // Inside the transaction: the column was added and matching rows deleted; the long insert is running.
      if (out.includes('node_started big') && out.includes('end DELETE FROM') && out.includes('start INSERT INTO')) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`child exited before the insert started:\n${out}\n${err}`)));
  });
  expect(await exited).toBe('SIGKILL');
  return out;
}
