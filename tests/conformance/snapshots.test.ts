// Snapshots (SCD Type 2) end to end, on every warehouse: the exact history dbt's strategies record
// across inserts, updates, deletes and re-inserts; reruns that change nothing; failed and killed runs
// that leave the table as it was. One expected history serves DuckDB and PostgreSQL.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, loadProject, snapshot, type RunEvent, type RunResult } from '@tsdbt/core';
import { cliBin, copyFixture, repoRoot } from '../support/project.js';
import { createWarehouse, WAREHOUSES, type Row, type Warehouse } from '../support/warehouse.js';

const RAW = [
  'create schema if not exists raw',
  'drop table if exists raw.customers',
  'create table raw.customers (id integer, name varchar, tier varchar, updated_at timestamp)',
  "insert into raw.customers values (1, 'Ada', 'gold', '2024-01-01'), (2, 'Bob', 'silver', '2024-01-01'), (3, 'Cy', 'bronze', '2024-01-01')",
  'drop table if exists raw.order_lines',
  'create table raw.order_lines (order_id integer, line_no integer, sku varchar, qty integer, changed_at timestamp)',
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

async function runSnapshot(dir: string, select: string, vars: Record<string, unknown> = {}): Promise<RunResult> {
  return snapshot(await loadProject({ projectDir: dir, vars }), { select });
}

async function ok(dir: string, select: string, vars: Record<string, unknown> = {}): Promise<RunResult> {
  const r = await runSnapshot(dir, select, vars);
  expect(r.results.map((x) => `${x.name}: ${x.status} ${x.status === 'error' ? x.message : ''}`.trim())).toEqual(r.results.map((x) => `${x.name}: success`));
  return r;
}

const d = (monthDay: string) => `2024-${monthDay}T00:00:00`;

/** dbt's scd id of a version with a fixed time: md5 of the key and the time as text, joined by `|`. */
const scdId = (...parts: Array<string | number>) => createHash('md5').update(parts.join('|')).digest('hex');
/** A timestamp as `cast(… as varchar)` spells it — the same text on DuckDB and PostgreSQL. */
const text = (monthDay: string) => `2024-${monthDay} 00:00:00`;

const TS_HISTORY = 'select id, name, tier, dbt_valid_from, dbt_valid_to, dbt_updated_at from main.customers_ts order by id, dbt_valid_from';

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

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture('snapshots');
    wh = createWarehouse(kind);
    await wh.attach(dir);
    await wh.sql(RAW);
  });
  afterEach(async () => {
    await wh.dispose();
  });

  /** Rows as arrays, with the run's own times (anything but the 2024 data and 9999-12-31) named T1, T2 … in time order. */
  async function history(sql: string): Promise<unknown[][]> {
    const rows = await wh.sql(sql);
    const isRunTime = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) && !v.startsWith('2024-') && !v.startsWith('9999-');
    const times = [...new Set(rows.flatMap((r) => Object.values(r).filter(isRunTime)))].sort();
    return rows.map((r) => Object.values(r).map((v) => (isRunTime(v) ? `T${times.indexOf(v) + 1}` : v)));
  }

  /** Every row of a table, in a fixed order (sorted here: Postgres has no `order by all`). */
  async function dump(table: string): Promise<Row[]> {
    const rows = await wh.sql(`select * from ${table}`);
    return rows.map((r) => [JSON.stringify(r), r] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  }

  async function tables(): Promise<unknown[]> {
    const rows = await wh.sql("select table_schema || '.' || table_name as t from information_schema.tables where table_schema not in ('raw', 'pg_catalog', 'information_schema') order by 1");
    return rows.map((r) => r.t);
  }

  /** scd ids: unique; md5(key|valid_from) for versions; md5(previous scd id|deleted at) for deletion records. */
  async function expectScdIds(table: string, key: string, deletions = false): Promise<void> {
    const [counts] = await wh.sql(`select count(*) as n, count(distinct dbt_scd_id) as ids from ${table}`);
    expect(counts!.ids).toBe(counts!.n);
    const versions = deletions ? `coalesce(dbt_is_deleted, 'False') = 'False'` : 'true';
    const [bad] = await wh.sql(`select count(*) as n from ${table} where ${versions} and dbt_scd_id <> md5(${key} || '|' || cast(dbt_valid_from as varchar))`);
    expect(bad!.n).toBe(0);
    if (deletions) {
      const [orphans] = await wh.sql(
        `select count(*) as n from ${table} del where dbt_is_deleted = 'True' and not exists (select 1 from ${table} prev where md5(prev.dbt_scd_id || '|' || cast(del.dbt_valid_from as varchar)) = del.dbt_scd_id)`,
      );
      expect(orphans!.n).toBe(0);
    }
  }

  /**
   * A SIGKILLed client leaves its server session behind until the server notices: DuckDB has none
   * (the process held the file); PostgreSQL rolls the session back once it sees the socket closed —
   * at once when idle in a transaction, during a running query only with client_connection_check_interval
   * (set for the database by `checkDeadClients`). Waits until no other session is left on the database.
   */
  async function orphansGone(): Promise<void> {
    if (kind !== 'postgres') return;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [row] = await wh.sql('select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
      if (row!.n === 0) return;
      if (Date.now() > deadline) throw new Error(`sessions of the killed run still open: ${JSON.stringify(await wh.sql('select pid, state, query from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()'))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** PostgreSQL: have the server check for vanished clients every 100 ms while a query runs, as a server for killable clients would. */
  async function checkDeadClients(): Promise<void> {
    if (kind !== 'postgres') return;
    await wh.sql("do $$ begin execute format('alter database %I set client_connection_check_interval = 100', current_database()); end $$");
  }

  describe('timestamp strategy', () => {
    it('hard_deletes ignore: versions by updated_at; a deleted row stays current; an unchanged rerun changes nothing', async () => {
      const first = await ok(dir, 'customers_ts');
      expect(first.results[0]!.rowsAffected).toBe(3);
      expect(await history(TS_HISTORY)).toEqual([
        [1, 'Ada', 'gold', d('01-01'), null, d('01-01')],
        [2, 'Bob', 'silver', d('01-01'), null, d('01-01')],
        [3, 'Cy', 'bronze', d('01-01'), null, d('01-01')],
      ]);

      await wh.sql(CHANGES_1);
      const second = await ok(dir, 'customers_ts');
      expect(second.results[0]!.message).toBe('SNAPSHOT 2 new versions, 1 closed');
      expect(await history(TS_HISTORY)).toEqual([
        [1, 'Ada', 'gold', d('01-01'), null, d('01-01')],
        [2, 'Bob', 'silver', d('01-01'), d('02-01'), d('01-01')],
        [2, 'Bob', 'gold', d('02-01'), null, d('02-01')],
        [3, 'Cy', 'bronze', d('01-01'), null, d('01-01')],
        [4, 'Di', 'silver', d('02-01'), null, d('02-01')],
      ]);

      await wh.sql(CHANGES_2);
      await ok(dir, 'customers_ts');
      expect(await history(TS_HISTORY)).toEqual([
        [1, 'Ada', 'gold', d('01-01'), d('03-01'), d('01-01')],
        [1, 'Ada L', 'gold', d('03-01'), null, d('03-01')],
        [2, 'Bob', 'silver', d('01-01'), d('02-01'), d('01-01')],
        [2, 'Bob', 'gold', d('02-01'), null, d('02-01')],
        [3, 'Cy', 'bronze', d('01-01'), d('03-01'), d('01-01')],
        [3, 'Cy', 'platinum', d('03-01'), null, d('03-01')],
        [4, 'Di', 'silver', d('02-01'), null, d('02-01')],
      ]);
      await expectScdIds('main.customers_ts', 'cast(id as varchar)');
      // Same input, same id on every warehouse: both spell a timestamp as text `YYYY-MM-DD HH:MM:SS[.ffffff]`.
      expect(await wh.sql('select id, dbt_scd_id from main.customers_ts order by id, dbt_valid_from')).toEqual([
        { id: 1, dbt_scd_id: scdId(1, text('01-01')) },
        { id: 1, dbt_scd_id: scdId(1, text('03-01')) },
        { id: 2, dbt_scd_id: scdId(2, text('01-01')) },
        { id: 2, dbt_scd_id: scdId(2, text('02-01')) },
        { id: 3, dbt_scd_id: scdId(3, text('01-01')) },
        { id: 3, dbt_scd_id: scdId(3, text('03-01')) },
        { id: 4, dbt_scd_id: scdId(4, text('02-01')) },
      ]);

      const before = await dump('main.customers_ts');
      const rerun = await ok(dir, 'customers_ts');
      expect(rerun.results[0]!.message).toBe('SNAPSHOT 0 new versions, 0 closed');
      expect(await dump('main.customers_ts')).toEqual(before);
      expect(await tables()).toEqual(['main.customers_ts']);
    });

    it('hard_deletes invalidate: a deleted row is closed at the run time; its return is a new version', async () => {
      const vars = { hard_deletes: 'invalidate' };
      await ok(dir, 'customers_ts', vars);
      await wh.sql(CHANGES_1);
      await ok(dir, 'customers_ts', vars);
      await ok(dir, 'customers_ts', vars); // still deleted: nothing to do
      await wh.sql(CHANGES_2);
      await ok(dir, 'customers_ts', vars);
      expect(await history(TS_HISTORY)).toEqual([
        [1, 'Ada', 'gold', d('01-01'), d('03-01'), d('01-01')],
        [1, 'Ada L', 'gold', d('03-01'), null, d('03-01')],
        [2, 'Bob', 'silver', d('01-01'), d('02-01'), d('01-01')],
        [2, 'Bob', 'gold', d('02-01'), null, d('02-01')],
        [3, 'Cy', 'bronze', d('01-01'), 'T1', d('01-01')],
        [3, 'Cy', 'platinum', d('03-01'), null, d('03-01')],
        [4, 'Di', 'silver', d('02-01'), null, d('02-01')],
      ]);
      await expectScdIds('main.customers_ts', 'cast(id as varchar)');
      const before = await dump('main.customers_ts');
      await ok(dir, 'customers_ts', vars);
      expect(await dump('main.customers_ts')).toEqual(before);
    });

    it('hard_deletes new_record: a deletion record (dbt_is_deleted True) made once, closed when the row returns', async () => {
      const vars = { hard_deletes: 'new_record' };
      const sql = 'select id, name, tier, dbt_valid_from, dbt_valid_to, dbt_updated_at, dbt_is_deleted from main.customers_ts order by id, dbt_valid_from';
      await ok(dir, 'customers_ts', vars);
      await wh.sql(CHANGES_1);
      await ok(dir, 'customers_ts', vars);
      const afterDelete = [
        [1, 'Ada', 'gold', d('01-01'), null, d('01-01'), 'False'],
        [2, 'Bob', 'silver', d('01-01'), d('02-01'), d('01-01'), 'False'],
        [2, 'Bob', 'gold', d('02-01'), null, d('02-01'), 'False'],
        [3, 'Cy', 'bronze', d('01-01'), 'T1', d('01-01'), 'False'],
        [3, 'Cy', 'bronze', 'T1', null, 'T1', 'True'],
        [4, 'Di', 'silver', d('02-01'), null, d('02-01'), 'False'],
      ];
      expect(await history(sql)).toEqual(afterDelete);
      // Still deleted: no second deletion record.
      const rerun = await ok(dir, 'customers_ts', vars);
      expect(rerun.results[0]!.message).toBe('SNAPSHOT 0 new versions, 0 closed');
      expect(await history(sql)).toEqual(afterDelete);

      await wh.sql(CHANGES_2);
      await ok(dir, 'customers_ts', vars);
      // As in dbt's timestamp strategy, the deletion record is closed at the returning row's updated_at.
      expect(await history(sql)).toEqual([
        [1, 'Ada', 'gold', d('01-01'), d('03-01'), d('01-01'), 'False'],
        [1, 'Ada L', 'gold', d('03-01'), null, d('03-01'), 'False'],
        [2, 'Bob', 'silver', d('01-01'), d('02-01'), d('01-01'), 'False'],
        [2, 'Bob', 'gold', d('02-01'), null, d('02-01'), 'False'],
        [3, 'Cy', 'bronze', d('01-01'), 'T1', d('01-01'), 'False'],
        [3, 'Cy', 'platinum', d('03-01'), null, d('03-01'), 'False'],
        [3, 'Cy', 'bronze', 'T1', d('03-01'), 'T1', 'True'],
        [4, 'Di', 'silver', d('02-01'), null, d('02-01'), 'False'],
      ]);
      await expectScdIds('main.customers_ts', 'cast(id as varchar)', true);
      const before = await dump('main.customers_ts');
      await ok(dir, 'customers_ts', vars);
      expect(await dump('main.customers_ts')).toEqual(before);
    });

    it('composite unique_key, renamed meta columns, legacy target_schema and invalidate_hard_deletes', async () => {
      await ok(dir, 'order_lines_history');
      await wh.sql(["update raw.order_lines set qty = 5, changed_at = '2024-02-01' where order_id = 1 and line_no = 2", 'delete from raw.order_lines where order_id = 2 and line_no = 1', "insert into raw.order_lines values (2, 2, 'C', 3, '2024-02-01')"]);
      await ok(dir, 'order_lines_history');
      expect((await wh.columns('order_lines_history', 'history')).map((c) => c.name)).toEqual(['order_id', 'line_no', 'sku', 'qty', 'changed_at', 'version_id', 'recorded_at', 'valid_from', 'valid_to']);
      expect(await history('select order_id, line_no, sku, qty, valid_from, valid_to, recorded_at from history.order_lines_history order by order_id, line_no, valid_from')).toEqual([
        [1, 1, 'A', 2, d('01-01'), null, d('01-01')],
        [1, 2, 'B', 1, d('01-01'), d('02-01'), d('01-01')],
        [1, 2, 'B', 5, d('02-01'), null, d('02-01')],
        [2, 1, 'A', 1, d('01-01'), 'T1', d('01-01')],
        [2, 2, 'C', 3, d('02-01'), null, d('02-01')],
      ]);
      const [bad] = await wh.sql("select count(*) as n from history.order_lines_history where version_id <> md5(cast(order_id as varchar) || '|' || cast(line_no as varchar) || '|' || cast(valid_from as varchar))");
      expect(bad!.n).toBe(0);
      expect(await wh.sql('select version_id from history.order_lines_history order by order_id, line_no, valid_from')).toEqual(
        [scdId(1, 1, text('01-01')), scdId(1, 2, text('01-01')), scdId(1, 2, text('02-01')), scdId(2, 1, text('01-01')), scdId(2, 2, text('02-01'))].map((version_id) => ({ version_id })),
      );
      const before = await dump('history.order_lines_history');
      await ok(dir, 'order_lines_history');
      expect(await dump('history.order_lines_history')).toEqual(before);
    });

    it('dbt_valid_to_current: current versions carry the given valid_to instead of NULL', async () => {
      writeFileSync(
        path.join(dir, 'snapshots', 'open_ended.sql'),
        `{% snapshot open_ended %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate', dbt_valid_to_current="timestamp '9999-12-31'") }}\nselect * from {{ source('raw', 'customers') }}\n{% endsnapshot %}\n`,
      );
      await ok(dir, 'open_ended');
      await wh.sql(CHANGES_1);
      await ok(dir, 'open_ended');
      const expected = [
        [1, 'gold', d('01-01'), '9999-12-31T00:00:00'],
        [2, 'silver', d('01-01'), d('02-01')],
        [2, 'gold', d('02-01'), '9999-12-31T00:00:00'],
        [3, 'bronze', d('01-01'), 'T1'],
        [4, 'silver', d('02-01'), '9999-12-31T00:00:00'],
      ];
      const sql = 'select id, tier, dbt_valid_from, dbt_valid_to from main.open_ended order by id, dbt_valid_from';
      expect(await history(sql)).toEqual(expected);
      await ok(dir, 'open_ended');
      expect(await history(sql)).toEqual(expected);
    });
  });

  describe('check strategy', () => {
    const sql = 'select id, name, tier, dbt_valid_from, dbt_valid_to, dbt_updated_at from main.customers_check order by id, dbt_valid_from';

    it('check_cols list: only the listed columns make a new version; all times are the run time', async () => {
      await ok(dir, 'customers_check');
      await wh.sql([...CHANGES_1, "update raw.customers set name = 'Ada L' where id = 1"]);
      await ok(dir, 'customers_check');
      expect(await history(sql)).toEqual([
        [1, 'Ada', 'gold', 'T1', null, 'T1'],
        [2, 'Bob', 'silver', 'T1', 'T2', 'T1'],
        [2, 'Bob', 'gold', 'T2', null, 'T2'],
        [3, 'Cy', 'bronze', 'T1', null, 'T1'],
        [4, 'Di', 'silver', 'T2', null, 'T2'],
      ]);
      // Run times differ between runs and warehouses: their ids are checked against the warehouse's own md5.
      await expectScdIds('main.customers_check', 'cast(id as varchar)');
      const before = await dump('main.customers_check');
      await ok(dir, 'customers_check');
      expect(await dump('main.customers_check')).toEqual(before);
    });

    it('check_cols all (with hard_deletes invalidate): any column change makes a new version', async () => {
      const vars = { check_cols: 'all', hard_deletes: 'invalidate' };
      await ok(dir, 'customers_check', vars);
      await wh.sql([...CHANGES_1, "update raw.customers set name = 'Ada L' where id = 1"]);
      await ok(dir, 'customers_check', vars);
      await wh.sql("update raw.customers set updated_at = '2024-06-01'"); // not a column of this snapshot's query
      await ok(dir, 'customers_check', vars);
      expect(await history(sql)).toEqual([
        [1, 'Ada', 'gold', 'T1', 'T2', 'T1'],
        [1, 'Ada L', 'gold', 'T2', null, 'T2'],
        [2, 'Bob', 'silver', 'T1', 'T2', 'T1'],
        [2, 'Bob', 'gold', 'T2', null, 'T2'],
        [3, 'Cy', 'bronze', 'T1', 'T2', 'T1'],
        [4, 'Di', 'silver', 'T2', null, 'T2'],
      ]);
      await expectScdIds('main.customers_check', 'cast(id as varchar)');
    });
  });

  describe('schema changes and failures', () => {
    it('a new source column is added to the table; older versions have NULL in it', async () => {
      await ok(dir, 'customers_ts');
      await wh.sql(['alter table raw.customers add column email varchar', "update raw.customers set email = 'bob@example.com', updated_at = '2024-02-01' where id = 2"]);
      const r = await ok(dir, 'customers_ts');
      expect(r.results[0]!.message).toBe('SNAPSHOT 1 new version, 1 closed, added `email`');
      expect(await history('select id, email, dbt_valid_from, dbt_valid_to from main.customers_ts order by id, dbt_valid_from')).toEqual([
        [1, null, d('01-01'), null],
        [2, null, d('01-01'), d('02-01')],
        [2, 'bob@example.com', d('02-01'), null],
        [3, null, d('01-01'), null],
      ]);
    });

    it('an older table without dbt_updated_at gets the column back, typed from the staged changes', async () => {
      await ok(dir, 'customers_ts');
      await wh.sql(['alter table main.customers_ts drop column dbt_updated_at', ...CHANGES_1]);
      const r = await ok(dir, 'customers_ts');
      expect(r.results[0]!.message).toBe('SNAPSHOT 2 new versions, 1 closed, added `dbt_updated_at`');
      expect((await wh.columns('customers_ts')).find((c) => c.name === 'dbt_updated_at')).toEqual({ name: 'dbt_updated_at', type: 'timestamp' });
      expect(await history('select id, tier, dbt_valid_from, dbt_valid_to, dbt_updated_at from main.customers_ts where id in (2, 4) order by id, dbt_valid_from')).toEqual([
        [2, 'silver', d('01-01'), d('02-01'), null],
        [2, 'gold', d('02-01'), null, d('02-01')],
        [4, 'silver', d('02-01'), null, d('02-01')],
      ]);
    });

    it('a run that fails after closing versions changes nothing: rows, columns and no leftover tables', async () => {
      await wh.sql(['alter table raw.customers add column credit integer', 'update raw.customers set credit = id * 100']);
      await ok(dir, 'customers_ts');
      const before = await dump('main.customers_ts');
      const columnsBefore = await wh.columns('customers_ts');
      // Bob changes (his version would be closed), a new column appears (it would be added), and the
      // new customer's credit is text the INTEGER column cannot take: the insert, the last step, fails.
      await wh.sql([
        "create table raw.customers_v2 as select id, name, tier, cast(credit as varchar) as credit, updated_at, 'x' as email from raw.customers",
        'drop table raw.customers',
        'alter table raw.customers_v2 rename to customers',
        "update raw.customers set tier = 'gold', updated_at = '2024-02-01' where id = 2",
        "insert into raw.customers values (5, 'Eve', 'gold', 'n/a', '2024-02-01', 'e')",
      ]);
      const r = await runSnapshot(dir, 'customers_ts');
      expect(r.success).toBe(false);
      expect(r.results[0]!.status).toBe('error');
      // The engines' own words: DuckDB fails casting the value; PostgreSQL refuses to assign text to an integer column at all.
      expect(r.results[0]!.message).toMatch(kind === 'duckdb' ? /Conversion Error.*n\/a/ : /column "credit" is of type integer but expression is of type character varying/);
      expect(await dump('main.customers_ts')).toEqual(before);
      expect(await wh.columns('customers_ts')).toEqual(columnsBefore);
      expect(await tables()).toEqual(['main.customers_ts']);
    });

    it('switching an existing snapshot to hard_deletes new_record without a dbt_is_deleted column is refused', async () => {
      await ok(dir, 'customers_ts');
      const before = await dump('main.customers_ts');
      const r = await runSnapshot(dir, 'customers_ts', { hard_deletes: 'new_record' });
      expect(r.results[0]!.status).toBe('error');
      expect(r.results[0]!.message).toMatch(/main\.customers_ts is not a snapshot table: it has no `dbt_is_deleted` column/);
      expect(await dump('main.customers_ts')).toEqual(before);
    });
  });

  describe('tsdbt build with snapshots', () => {
    it('builds YAML and file snapshots before the model that refs one; a rebuild of unchanged sources changes nothing', async () => {
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

      await wh.sql(CHANGES_1);
      await buildAll();
      expect(await history('select id, name, tier, since from main.current_customers order by id')).toEqual([
        [1, 'Ada', 'gold', d('01-01')],
        [2, 'Bob', 'gold', d('02-01')],
        [3, 'Cy', 'bronze', d('01-01')],
        [4, 'Di', 'silver', d('02-01')],
      ]);
      // The YAML snapshot (hard_deletes: new_record) recorded Cy's deletion.
      expect(await history('select id, tier, dbt_valid_from, dbt_valid_to, dbt_is_deleted from main_snapshots.customers_yaml where id = 3 order by dbt_valid_from')).toEqual([
        [3, 'bronze', d('01-01'), 'T1', 'False'],
        [3, 'bronze', 'T1', null, 'True'],
      ]);

      const snapshotTables = ['main.customers_ts', 'main.customers_check', 'main_snapshots.customers_yaml', 'history.order_lines_history'];
      const before = await Promise.all(snapshotTables.map((t) => dump(t)));
      await buildAll();
      expect(await Promise.all(snapshotTables.map((t) => dump(t)))).toEqual(before);
    });
  });

  describe('a snapshot killed mid-run (SIGKILL) leaves the table exactly as before', () => {
    it('tsdbt snapshot killed while staging the changes (a never-ending query), inside its transaction', async () => {
      await ok(dir, 'customers_check');
      await wh.sql(CHANGES_1);
      await checkDeadClients();
      const before = await dump('main.customers_check');
      const { signal, events } = await runAndKill(
        [cliBin, '--no-color', 'snapshot', '--project-dir', dir, '--log-format', 'json', '--select', 'customers_check', '--vars', '{slow: true}'],
        (e) => (e.event === 'node_started' && e.name === 'customers_check' ? 500 : undefined),
      );
      expect(signal).toBe('SIGKILL');
      expect(events.some((e) => e.event === 'node_finished')).toBe(false);
      await orphansGone();
      expect(await dump('main.customers_check')).toEqual(before);
      expect(await tables()).toEqual(['main.customers_check']);
      // The next run picks up where the killed one would have.
      const r = await ok(dir, 'customers_check');
      expect(r.results[0]!.message).toBe('SNAPSHOT 2 new versions, 1 closed');
    });

    it('a run killed after closing the replaced versions but before inserting the new ones', async () => {
      const vars = { hard_deletes: 'new_record' };
      await ok(dir, 'customers_ts', vars);
      await wh.sql(CHANGES_1);
      const before = await dump('main.customers_ts');
      // The project run by the child has no --vars: give it the same config through the project file.
      const projectFile = path.join(dir, 'tsdbt_project.yml');
      writeFileSync(projectFile, `${readFileSync(projectFile, 'utf8')}\nvars:\n  hard_deletes: new_record\n`);
      const { signal, events } = await runAndKill([path.join(repoRoot, 'tests', 'support', 'pausing-child.mjs'), 'snapshot', dir, 'customers_ts', '^update '], (e) => (e.event === 'paused' ? 0 : undefined));
      expect(signal).toBe('SIGKILL');
      expect(events.find((e) => e.event === 'node_started')).toMatchObject({ name: 'customers_ts' });
      const statements = events.filter((e) => e.event === 'statement').map((e) => String(e.sql).split(/\s/)[0]!.toLowerCase());
      // Staged, began, closed versions — then killed before the insert and the commit.
      expect(statements.slice(-3)).toEqual(['begin', 'create', 'update']);
      await orphansGone();
      expect(await dump('main.customers_ts')).toEqual(before);
      expect(await tables()).toEqual(['main.customers_ts']);
      const r = await ok(dir, 'customers_ts');
      expect(r.results[0]!.message).toBe('SNAPSHOT 3 new versions, 2 closed');
    });
  });
});
