// Snapshots (SCD Type 2) on DuckDB, end to end: the exact history dbt's strategies record across
// inserts, updates, deletes and re-inserts; reruns that change nothing; failed and killed runs that
// leave the table as it was.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, loadProject, snapshot, type RunEvent, type RunResult } from '@tsdbt/core';
import { cliBin, copyFixture, duckdb, repoRoot } from './support/project.js';

type Row = Record<string, unknown>;

const RAW = [
  'create schema if not exists raw',
  'create or replace table raw.customers (id integer, name varchar, tier varchar, updated_at timestamp)',
  "insert into raw.customers values (1, 'Ada', 'gold', '2024-01-01'), (2, 'Bob', 'silver', '2024-01-01'), (3, 'Cy', 'bronze', '2024-01-01')",
  'create or replace table raw.order_lines (order_id integer, line_no integer, sku varchar, qty integer, changed_at timestamp)',
  "insert into raw.order_lines values (1, 1, 'A', 2, '2024-01-01'), (1, 2, 'B', 1, '2024-01-01'), (2, 1, 'A', 1, '2024-01-01')",
];
/** Bob moves up a tier, Cy is deleted, Di arrives. */
const CHANGES_1 = [
  "update raw.customers set tier = 'gold', updated_at = '2024-02-01' where id = 2",
  'delete from raw.customers where id = 3',
  "insert into raw.customers values (4, 'Di', 'silver', '2024-02-01')",
];
/** Cy comes back (a new updated_at), Ada changes her name (not a checked column for customers_check). */
const CHANGES_2 = ["insert into raw.customers values (3, 'Cy', 'platinum', '2024-03-01')", "update raw.customers set name = 'Ada L', updated_at = '2024-03-01' where id = 1"];

async function fixture(): Promise<{ dir: string; db: string }> {
  const dir = copyFixture('snapshots');
  const db = path.join(dir, 'snaps.duckdb');
  await duckdb(db, RAW);
  return { dir, db };
}

async function runSnapshot(dir: string, select: string, vars: Record<string, unknown> = {}): Promise<RunResult> {
  return snapshot(await loadProject({ projectDir: dir, vars }), { select });
}

async function ok(dir: string, select: string, vars: Record<string, unknown> = {}): Promise<RunResult> {
  const r = await runSnapshot(dir, select, vars);
  expect(r.results.map((x) => `${x.name}: ${x.status} ${x.status === 'error' ? x.message : ''}`.trim())).toEqual(r.results.map((x) => `${x.name}: success`));
  return r;
}

const d = (monthDay: string) => `2024-${monthDay}T00:00:00`;

/** Rows as arrays, with the run's own times (anything but the 2024 data and 9999-12-31) named T1, T2 … in time order. */
async function history(db: string, sql: string): Promise<unknown[][]> {
  const rows = await duckdb(db, sql);
  const isRunTime = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) && !v.startsWith('2024-') && !v.startsWith('9999-');
  const times = [...new Set(rows.flatMap((r) => Object.values(r).filter(isRunTime)))].sort();
  return rows.map((r) => Object.values(r).map((v) => (isRunTime(v) ? `T${times.indexOf(v) + 1}` : v)));
}

const dump = (db: string, table: string) => duckdb(db, `select * from ${table} order by all`);
const tables = async (db: string) => (await duckdb(db, "select table_schema || '.' || table_name as t from information_schema.tables where table_schema <> 'raw' order by 1")).map((r) => r.t);

/** scd ids: unique; md5(key|valid_from) for versions; md5(previous scd id|deleted at) for deletion records. */
async function expectScdIds(db: string, table: string, key: string, deletions = false): Promise<void> {
  const [counts] = await duckdb(db, `select count(*) as n, count(distinct dbt_scd_id) as ids from ${table}`);
  expect(counts!.ids).toBe(counts!.n);
  const versions = deletions ? `coalesce(dbt_is_deleted, 'False') = 'False'` : 'true';
  const [bad] = await duckdb(db, `select count(*) as n from ${table} where ${versions} and dbt_scd_id <> md5(${key} || '|' || cast(dbt_valid_from as varchar))`);
  expect(bad!.n).toBe(0);
  if (deletions) {
    const [orphans] = await duckdb(
      db,
      `select count(*) as n from ${table} del where dbt_is_deleted = 'True' and not exists (select 1 from ${table} prev where md5(prev.dbt_scd_id || '|' || cast(del.dbt_valid_from as varchar)) = del.dbt_scd_id)`,
    );
    expect(orphans!.n).toBe(0);
  }
}

const TS_HISTORY = 'select id, name, tier, dbt_valid_from, dbt_valid_to, dbt_updated_at from main.customers_ts order by id, dbt_valid_from';

describe('timestamp strategy', () => {
  it('hard_deletes ignore: versions by updated_at; a deleted row stays current; an unchanged rerun changes nothing', async () => {
    const { dir, db } = await fixture();
    const first = await ok(dir, 'customers_ts');
    expect(first.results[0]!.rowsAffected).toBe(3);
    expect(await history(db, TS_HISTORY)).toEqual([
      [1, 'Ada', 'gold', d('01-01'), null, d('01-01')],
      [2, 'Bob', 'silver', d('01-01'), null, d('01-01')],
      [3, 'Cy', 'bronze', d('01-01'), null, d('01-01')],
    ]);

    await duckdb(db, CHANGES_1);
    const second = await ok(dir, 'customers_ts');
    expect(second.results[0]!.message).toBe('SNAPSHOT 2 new versions, 1 closed');
    expect(await history(db, TS_HISTORY)).toEqual([
      [1, 'Ada', 'gold', d('01-01'), null, d('01-01')],
      [2, 'Bob', 'silver', d('01-01'), d('02-01'), d('01-01')],
      [2, 'Bob', 'gold', d('02-01'), null, d('02-01')],
      [3, 'Cy', 'bronze', d('01-01'), null, d('01-01')],
      [4, 'Di', 'silver', d('02-01'), null, d('02-01')],
    ]);

    await duckdb(db, CHANGES_2);
    await ok(dir, 'customers_ts');
    expect(await history(db, TS_HISTORY)).toEqual([
      [1, 'Ada', 'gold', d('01-01'), d('03-01'), d('01-01')],
      [1, 'Ada L', 'gold', d('03-01'), null, d('03-01')],
      [2, 'Bob', 'silver', d('01-01'), d('02-01'), d('01-01')],
      [2, 'Bob', 'gold', d('02-01'), null, d('02-01')],
      [3, 'Cy', 'bronze', d('01-01'), d('03-01'), d('01-01')],
      [3, 'Cy', 'platinum', d('03-01'), null, d('03-01')],
      [4, 'Di', 'silver', d('02-01'), null, d('02-01')],
    ]);
    await expectScdIds(db, 'main.customers_ts', 'cast(id as varchar)');

    const before = await dump(db, 'main.customers_ts');
    const rerun = await ok(dir, 'customers_ts');
    expect(rerun.results[0]!.message).toBe('SNAPSHOT 0 new versions, 0 closed');
    expect(await dump(db, 'main.customers_ts')).toEqual(before);
    expect(await tables(db)).toEqual(['main.customers_ts']);
  });

  it('hard_deletes invalidate: a deleted row is closed at the run time; its return is a new version', async () => {
    const { dir, db } = await fixture();
    const vars = { hard_deletes: 'invalidate' };
    await ok(dir, 'customers_ts', vars);
    await duckdb(db, CHANGES_1);
    await ok(dir, 'customers_ts', vars);
    await ok(dir, 'customers_ts', vars); // still deleted: nothing to do
    await duckdb(db, CHANGES_2);
    await ok(dir, 'customers_ts', vars);
    expect(await history(db, TS_HISTORY)).toEqual([
      [1, 'Ada', 'gold', d('01-01'), d('03-01'), d('01-01')],
      [1, 'Ada L', 'gold', d('03-01'), null, d('03-01')],
      [2, 'Bob', 'silver', d('01-01'), d('02-01'), d('01-01')],
      [2, 'Bob', 'gold', d('02-01'), null, d('02-01')],
      [3, 'Cy', 'bronze', d('01-01'), 'T1', d('01-01')],
      [3, 'Cy', 'platinum', d('03-01'), null, d('03-01')],
      [4, 'Di', 'silver', d('02-01'), null, d('02-01')],
    ]);
    await expectScdIds(db, 'main.customers_ts', 'cast(id as varchar)');
    const before = await dump(db, 'main.customers_ts');
    await ok(dir, 'customers_ts', vars);
    expect(await dump(db, 'main.customers_ts')).toEqual(before);
  });

  it('hard_deletes new_record: a deletion record (dbt_is_deleted True) made once, closed when the row returns', async () => {
    const { dir, db } = await fixture();
    const vars = { hard_deletes: 'new_record' };
    const sql = 'select id, name, tier, dbt_valid_from, dbt_valid_to, dbt_updated_at, dbt_is_deleted from main.customers_ts order by id, dbt_valid_from';
    await ok(dir, 'customers_ts', vars);
    await duckdb(db, CHANGES_1);
    await ok(dir, 'customers_ts', vars);
    const afterDelete = [
      [1, 'Ada', 'gold', d('01-01'), null, d('01-01'), 'False'],
      [2, 'Bob', 'silver', d('01-01'), d('02-01'), d('01-01'), 'False'],
      [2, 'Bob', 'gold', d('02-01'), null, d('02-01'), 'False'],
      [3, 'Cy', 'bronze', d('01-01'), 'T1', d('01-01'), 'False'],
      [3, 'Cy', 'bronze', 'T1', null, 'T1', 'True'],
      [4, 'Di', 'silver', d('02-01'), null, d('02-01'), 'False'],
    ];
    expect(await history(db, sql)).toEqual(afterDelete);
    // Still deleted: no second deletion record.
    const rerun = await ok(dir, 'customers_ts', vars);
    expect(rerun.results[0]!.message).toBe('SNAPSHOT 0 new versions, 0 closed');
    expect(await history(db, sql)).toEqual(afterDelete);

    await duckdb(db, CHANGES_2);
    await ok(dir, 'customers_ts', vars);
    // As in dbt's timestamp strategy, the deletion record is closed at the returning row's updated_at.
    expect(await history(db, sql)).toEqual([
      [1, 'Ada', 'gold', d('01-01'), d('03-01'), d('01-01'), 'False'],
      [1, 'Ada L', 'gold', d('03-01'), null, d('03-01'), 'False'],
      [2, 'Bob', 'silver', d('01-01'), d('02-01'), d('01-01'), 'False'],
      [2, 'Bob', 'gold', d('02-01'), null, d('02-01'), 'False'],
      [3, 'Cy', 'bronze', d('01-01'), 'T1', d('01-01'), 'False'],
      [3, 'Cy', 'platinum', d('03-01'), null, d('03-01'), 'False'],
      [3, 'Cy', 'bronze', 'T1', d('03-01'), 'T1', 'True'],
      [4, 'Di', 'silver', d('02-01'), null, d('02-01'), 'False'],
    ]);
    await expectScdIds(db, 'main.customers_ts', 'cast(id as varchar)', true);
    const before = await dump(db, 'main.customers_ts');
    await ok(dir, 'customers_ts', vars);
    expect(await dump(db, 'main.customers_ts')).toEqual(before);
  });

  it('composite unique_key, renamed meta columns, legacy target_schema and invalidate_hard_deletes', async () => {
    const { dir, db } = await fixture();
    await ok(dir, 'order_lines_history');
    await duckdb(db, ["update raw.order_lines set qty = 5, changed_at = '2024-02-01' where order_id = 1 and line_no = 2", 'delete from raw.order_lines where order_id = 2 and line_no = 1', "insert into raw.order_lines values (2, 2, 'C', 3, '2024-02-01')"]);
    await ok(dir, 'order_lines_history');
    const columns = await duckdb(db, "select column_name from information_schema.columns where table_schema = 'history' and table_name = 'order_lines_history' order by ordinal_position");
    expect(columns.map((c) => c.column_name)).toEqual(['order_id', 'line_no', 'sku', 'qty', 'changed_at', 'version_id', 'recorded_at', 'valid_from', 'valid_to']);
    expect(await history(db, 'select order_id, line_no, sku, qty, valid_from, valid_to, recorded_at from history.order_lines_history order by order_id, line_no, valid_from')).toEqual([
      [1, 1, 'A', 2, d('01-01'), null, d('01-01')],
      [1, 2, 'B', 1, d('01-01'), d('02-01'), d('01-01')],
      [1, 2, 'B', 5, d('02-01'), null, d('02-01')],
      [2, 1, 'A', 1, d('01-01'), 'T1', d('01-01')],
      [2, 2, 'C', 3, d('02-01'), null, d('02-01')],
    ]);
    const [bad] = await duckdb(db, "select count(*) as n from history.order_lines_history where version_id <> md5(cast(order_id as varchar) || '|' || cast(line_no as varchar) || '|' || cast(valid_from as varchar))");
    expect(bad!.n).toBe(0);
    const before = await dump(db, 'history.order_lines_history');
    await ok(dir, 'order_lines_history');
    expect(await dump(db, 'history.order_lines_history')).toEqual(before);
  });

  it('dbt_valid_to_current: current versions carry the given valid_to instead of NULL', async () => {
    const { dir, db } = await fixture();
    writeFileSync(
      path.join(dir, 'snapshots', 'open_ended.sql'),
      `{% snapshot open_ended %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate', dbt_valid_to_current="timestamp '9999-12-31'") }}\nselect * from {{ source('raw', 'customers') }}\n{% endsnapshot %}\n`,
    );
    await ok(dir, 'open_ended');
    await duckdb(db, CHANGES_1);
    await ok(dir, 'open_ended');
    const expected = [
      [1, 'gold', d('01-01'), '9999-12-31T00:00:00'],
      [2, 'silver', d('01-01'), d('02-01')],
      [2, 'gold', d('02-01'), '9999-12-31T00:00:00'],
      [3, 'bronze', d('01-01'), 'T1'],
      [4, 'silver', d('02-01'), '9999-12-31T00:00:00'],
    ];
    const sql = 'select id, tier, dbt_valid_from, dbt_valid_to from main.open_ended order by id, dbt_valid_from';
    expect(await history(db, sql)).toEqual(expected);
    await ok(dir, 'open_ended');
    expect(await history(db, sql)).toEqual(expected);
  });
});

describe('check strategy', () => {
  const sql = 'select id, name, tier, dbt_valid_from, dbt_valid_to, dbt_updated_at from main.customers_check order by id, dbt_valid_from';

  it('check_cols list: only the listed columns make a new version; all times are the run time', async () => {
    const { dir, db } = await fixture();
    await ok(dir, 'customers_check');
    await duckdb(db, [...CHANGES_1, "update raw.customers set name = 'Ada L' where id = 1"]);
    await ok(dir, 'customers_check');
    expect(await history(db, sql)).toEqual([
      [1, 'Ada', 'gold', 'T1', null, 'T1'],
      [2, 'Bob', 'silver', 'T1', 'T2', 'T1'],
      [2, 'Bob', 'gold', 'T2', null, 'T2'],
      [3, 'Cy', 'bronze', 'T1', null, 'T1'],
      [4, 'Di', 'silver', 'T2', null, 'T2'],
    ]);
    await expectScdIds(db, 'main.customers_check', 'cast(id as varchar)');
    const before = await dump(db, 'main.customers_check');
    await ok(dir, 'customers_check');
    expect(await dump(db, 'main.customers_check')).toEqual(before);
  });

  it('check_cols all (with hard_deletes invalidate): any column change makes a new version', async () => {
    const { dir, db } = await fixture();
    const vars = { check_cols: 'all', hard_deletes: 'invalidate' };
    await ok(dir, 'customers_check', vars);
    await duckdb(db, [...CHANGES_1, "update raw.customers set name = 'Ada L' where id = 1"]);
    await ok(dir, 'customers_check', vars);
    await duckdb(db, "update raw.customers set updated_at = '2024-06-01'"); // not a column of this snapshot's query
    await ok(dir, 'customers_check', vars);
    expect(await history(db, sql)).toEqual([
      [1, 'Ada', 'gold', 'T1', 'T2', 'T1'],
      [1, 'Ada L', 'gold', 'T2', null, 'T2'],
      [2, 'Bob', 'silver', 'T1', 'T2', 'T1'],
      [2, 'Bob', 'gold', 'T2', null, 'T2'],
      [3, 'Cy', 'bronze', 'T1', 'T2', 'T1'],
      [4, 'Di', 'silver', 'T2', null, 'T2'],
    ]);
    await expectScdIds(db, 'main.customers_check', 'cast(id as varchar)');
  });
});

describe('schema changes and failures', () => {
  it('a new source column is added to the table; older versions have NULL in it', async () => {
    const { dir, db } = await fixture();
    await ok(dir, 'customers_ts');
    await duckdb(db, ['alter table raw.customers add column email varchar', "update raw.customers set email = 'bob@example.com', updated_at = '2024-02-01' where id = 2"]);
    const r = await ok(dir, 'customers_ts');
    expect(r.results[0]!.message).toBe('SNAPSHOT 1 new version, 1 closed, added `email`');
    expect(await history(db, 'select id, email, dbt_valid_from, dbt_valid_to from main.customers_ts order by id, dbt_valid_from')).toEqual([
      [1, null, d('01-01'), null],
      [2, null, d('01-01'), d('02-01')],
      [2, 'bob@example.com', d('02-01'), null],
      [3, null, d('01-01'), null],
    ]);
  });

  it('an older table without dbt_updated_at gets the column back, typed from the staged changes', async () => {
    const { dir, db } = await fixture();
    await ok(dir, 'customers_ts');
    await duckdb(db, ['alter table main.customers_ts drop column dbt_updated_at', ...CHANGES_1]);
    const r = await ok(dir, 'customers_ts');
    expect(r.results[0]!.message).toBe('SNAPSHOT 2 new versions, 1 closed, added `dbt_updated_at`');
    expect(await duckdb(db, "select data_type from information_schema.columns where table_name = 'customers_ts' and column_name = 'dbt_updated_at'")).toEqual([{ data_type: 'TIMESTAMP' }]);
    expect(await history(db, 'select id, tier, dbt_valid_from, dbt_valid_to, dbt_updated_at from main.customers_ts where id in (2, 4) order by id, dbt_valid_from')).toEqual([
      [2, 'silver', d('01-01'), d('02-01'), null],
      [2, 'gold', d('02-01'), null, d('02-01')],
      [4, 'silver', d('02-01'), null, d('02-01')],
    ]);
  });

  it('a run that fails after closing versions changes nothing: rows, columns and no leftover tables', async () => {
    const { dir, db } = await fixture();
    await duckdb(db, ['alter table raw.customers add column credit integer', 'update raw.customers set credit = id * 100']);
    await ok(dir, 'customers_ts');
    const before = await dump(db, 'main.customers_ts');
    const columnsBefore = await duckdb(db, "select column_name, data_type from information_schema.columns where table_name = 'customers_ts' order by ordinal_position");
    // Bob changes (his version would be closed), a new column appears (it would be added), and the
    // new customer's credit is text the INTEGER column cannot take: the insert, the last step, fails.
    await duckdb(db, [
      "create or replace table raw.customers as select id, name, tier, cast(credit as varchar) as credit, updated_at, 'x' as email from raw.customers",
      "update raw.customers set tier = 'gold', updated_at = '2024-02-01' where id = 2",
      "insert into raw.customers values (5, 'Eve', 'gold', 'n/a', '2024-02-01', 'e')",
    ]);
    const r = await runSnapshot(dir, 'customers_ts');
    expect(r.success).toBe(false);
    expect(r.results[0]!.status).toBe('error');
    expect(r.results[0]!.message).toMatch(/Conversion Error.*n\/a/);
    expect(await dump(db, 'main.customers_ts')).toEqual(before);
    expect(await duckdb(db, "select column_name, data_type from information_schema.columns where table_name = 'customers_ts' order by ordinal_position")).toEqual(columnsBefore);
    expect(await tables(db)).toEqual(['main.customers_ts']);
  });

  it('switching an existing snapshot to hard_deletes new_record without a dbt_is_deleted column is refused', async () => {
    const { dir, db } = await fixture();
    await ok(dir, 'customers_ts');
    const before = await dump(db, 'main.customers_ts');
    const r = await runSnapshot(dir, 'customers_ts', { hard_deletes: 'new_record' });
    expect(r.results[0]!.status).toBe('error');
    expect(r.results[0]!.message).toMatch(/main\.customers_ts is not a snapshot table: it has no `dbt_is_deleted` column/);
    expect(await dump(db, 'main.customers_ts')).toEqual(before);
  });
});

describe('tsdbt build with snapshots', () => {
  it('builds YAML and file snapshots before the model that refs one; a rebuild of unchanged sources changes nothing', async () => {
    const { dir, db } = await fixture();
    const events: RunEvent[] = [];
    const buildAll = async () => {
      events.length = 0;
      const r = await build(await loadProject({ projectDir: dir }), { onEvent: (e) => events.push(e) });
      expect(r.results.filter((x) => x.status !== 'success').map((x) => `${x.name}: ${x.message}`)).toEqual([]);
      return r;
    };
    const first = await buildAll();
    expect(first.results.map((x) => `${x.name}:${x.materialization}`).sort()).toEqual(['current_customers:view', 'customers_check:snapshot', 'customers_ts:snapshot', 'customers_yaml:snapshot', 'order_lines_history:snapshot']);
    const order = first.results.map((x) => x.name);
    expect(order.indexOf('customers_ts')).toBeLessThan(order.indexOf('current_customers'));
    const relationNames = Object.fromEntries(first.results.map((x) => [x.name, x.relationName]));
    expect(relationNames).toMatchObject({ customers_yaml: '"main_snapshots"."customers_yaml"', order_lines_history: '"history"."order_lines_history"', customers_ts: '"main"."customers_ts"' });

    await duckdb(db, CHANGES_1);
    await buildAll();
    expect(await history(db, 'select id, name, tier, since from main.current_customers order by id')).toEqual([
      [1, 'Ada', 'gold', d('01-01')],
      [2, 'Bob', 'gold', d('02-01')],
      [3, 'Cy', 'bronze', d('01-01')],
      [4, 'Di', 'silver', d('02-01')],
    ]);
    // The YAML snapshot (hard_deletes: new_record) recorded Cy's deletion.
    expect(await history(db, 'select id, tier, dbt_valid_from, dbt_valid_to, dbt_is_deleted from main_snapshots.customers_yaml where id = 3 order by dbt_valid_from')).toEqual([
      [3, 'bronze', d('01-01'), 'T1', 'False'],
      [3, 'bronze', 'T1', null, 'True'],
    ]);

    const snapshotTables = ['main.customers_ts', 'main.customers_check', 'main_snapshots.customers_yaml', 'history.order_lines_history'];
    const before = await Promise.all(snapshotTables.map((t) => dump(db, t)));
    await buildAll();
    expect(await Promise.all(snapshotTables.map((t) => dump(db, t)))).toEqual(before);
  });
});

/** Spawn a node process; resolve with its exit once `killWhen` (seeing each stdout JSON line) says so and it was SIGKILLed. */
function runAndKill(args: string[], killWhen: (event: Record<string, unknown>) => number | undefined): Promise<{ signal: NodeJS.Signals | null; events: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const events: Record<string, unknown>[] = [];
    let buffer = '';
    let stderr = '';
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child never reached the kill point; events: ${JSON.stringify(events)}; stderr: ${stderr}`));
    }, 45_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let event: Record<string, unknown>;
        try {
          event = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        events.push(event);
        const delay = killWhen(event);
        if (delay !== undefined) setTimeout(() => child.kill('SIGKILL'), delay);
      }
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(guard);
      resolve({ signal, events });
    });
  });
}

describe('a snapshot killed mid-run (SIGKILL) leaves the table exactly as before', () => {
  it('tsdbt snapshot killed while staging the changes (a never-ending query), inside its transaction', async () => {
    const { dir, db } = await fixture();
    await ok(dir, 'customers_check');
    await duckdb(db, CHANGES_1);
    const before = await dump(db, 'main.customers_check');
    const { signal, events } = await runAndKill(
      [cliBin, '--no-color', 'snapshot', '--project-dir', dir, '--log-format', 'json', '--select', 'customers_check', '--vars', '{slow: true}'],
      (e) => (e.event === 'node_started' && e.name === 'customers_check' ? 500 : undefined),
    );
    expect(signal).toBe('SIGKILL');
    expect(events.some((e) => e.event === 'node_finished')).toBe(false);
    expect(await dump(db, 'main.customers_check')).toEqual(before);
    expect(await tables(db)).toEqual(['main.customers_check']);
    // The next run picks up where the killed one would have.
    const r = await ok(dir, 'customers_check');
    expect(r.results[0]!.message).toBe('SNAPSHOT 2 new versions, 1 closed');
  });

  it('a run killed after closing the replaced versions but before inserting the new ones', async () => {
    const { dir, db } = await fixture();
    const vars = { hard_deletes: 'new_record' };
    await ok(dir, 'customers_ts', vars);
    await duckdb(db, CHANGES_1);
    const before = await dump(db, 'main.customers_ts');
    // The project run by the child has no --vars: give it the same config through the project file.
    const projectFile = path.join(dir, 'tsdbt_project.yml');
    writeFileSync(projectFile, `${readFileSync(projectFile, 'utf8')}\nvars:\n  hard_deletes: new_record\n`);
    const { signal, events } = await runAndKill([path.join(repoRoot, 'tests', 'support', 'snapshot-child.mjs'), dir, 'customers_ts', '^update '], (e) => (e.event === 'paused' ? 0 : undefined));
    expect(signal).toBe('SIGKILL');
    expect(events.find((e) => e.event === 'node_started')).toMatchObject({ name: 'customers_ts' });
    const statements = events.filter((e) => e.event === 'statement').map((e) => String(e.sql).split(/\s/)[0]!.toLowerCase());
    // Staged, began, closed versions — then killed before the insert and the commit.
    expect(statements.slice(-3)).toEqual(['begin', 'create', 'update']);
    expect(await dump(db, 'main.customers_ts')).toEqual(before);
    expect(await tables(db)).toEqual(['main.customers_ts']);
    const r = await ok(dir, 'customers_ts');
    expect(r.results[0]!.message).toBe('SNAPSHOT 3 new versions, 2 closed');
  });
});
