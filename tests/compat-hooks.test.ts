// Hooks as dbt runs them, on every adapter: seed and snapshot pre/post hooks around the load / merge
// inside the transaction, hooks that ask the warehouse (run_query, adapter.get_relation), grant
// idioms, and an on-run-end hook writing an audit row per result.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, loadProject, seed, snapshot } from '@tsdbt/core';
import { copyFixture } from './support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse } from './support/warehouse.js';

const RAW_SQL = [
  'create schema raw',
  "create table raw.orders as select * from (values (1, cast('placed' as varchar(20)), cast('de' as varchar(2))), (2, cast('shipped' as varchar(20)), cast('fr' as varchar(2))), (3, cast('placed' as varchar(20)), cast('de' as varchar(2)))) t(order_id, status, country)",
];

const statusOf = (r: { results: Array<{ name: string; status: string }> }) => Object.fromEntries(r.results.map((x) => [x.name, x.status]));

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture('compat-hooks');
    wh = createWarehouse(kind);
    await wh.attach(dir);
    await wh.sql(RAW_SQL);
  });

  afterEach(async () => {
    await wh.dispose();
  });

  const log = async () => (await wh.sql('select step, n from main.hook_log order by seq')).map((x) => `${String(x['step'])}:${Number(x['n'])}`);

  it('runs seed, snapshot and model hooks once each, in order, inside the transaction, with warehouse calls', async () => {
    const r = await build(await loadProject({ projectDir: dir }));
    expect(r.success).toBe(true);
    expect(r.results.map((x) => x.name)).toEqual([
      'compat_hooks-on-run-start-0',
      'compat_hooks-on-run-start-1',
      'countries',
      'orders_snapshot',
      'orders_mart',
      'compat_hooks-on-run-end-0',
      'compat_hooks-on-run-end-1',
    ]);
    // The seed's pre-hook asked adapter.get_relation (no table yet); post-hooks saw the rows loaded and
    // the snapshot / model built in the same transaction (run_query on {{ this }}).
    expect(await log()).toEqual(['pre countries create:0', 'post countries:2', 'pre orders_snapshot:0', 'post orders_snapshot many:3', 'pre orders_mart:0', 'post orders_mart:3']);

    // Second build: the seed is reloaded (the pre-hook now finds the table), the snapshot merges.
    await wh.sql('delete from main.hook_log');
    expect((await build(await loadProject({ projectDir: dir }))).success).toBe(true);
    expect(await log()).toEqual(['pre countries replace:0', 'post countries:2', 'pre orders_snapshot:0', 'post orders_snapshot many:3', 'pre orders_mart:0', 'post orders_mart:3']);
  });

  it('writes one audit row per result from on-run-end, with the row count of each relation', async () => {
    expect((await build(await loadProject({ projectDir: dir }))).success).toBe(true);
    expect(await wh.sql('select node, status, n from main.run_audit order by node')).toEqual([
      { node: 'countries', status: 'success', n: 2 },
      { node: 'orders_mart', status: 'success', n: 3 },
      { node: 'orders_snapshot', status: 'success', n: 3 },
    ]);
  });

  it('rolls the seed back when its post-hook fails: the previous table is intact', async () => {
    expect((await seed(await loadProject({ projectDir: dir }))).success).toBe(true);
    await wh.sql('delete from main.hook_log');
    writeFileSync(path.join(dir, 'seeds', 'countries.csv'), 'code,name\nes,Spain\nit,Italy\npt,Portugal\n');
    const r = await seed(await loadProject({ projectDir: dir, vars: { fail_hooks: true } }));
    expect(statusOf(r)['countries']).toBe('error');
    expect(r.results.find((x) => x.name === 'countries')!.message).toMatch(/no_such_table_for_hooks/);
    expect(await wh.sql('select code, name from main.countries order by code')).toEqual([
      { code: 'de', name: 'Germany' },
      { code: 'fr', name: 'France' },
    ]);
    // The pre-hook's and first post-hook's rows were rolled back with the load.
    expect(await log()).toEqual([]);
    expect(await wh.leftovers()).toEqual([]);
    // The audit row records the failure.
    expect(await wh.sql("select status from main.run_audit where node = 'countries' order by status")).toEqual([{ status: 'error' }, { status: 'success' }]);
  });

  it('rolls the snapshot back when its post-hook fails: the previous history is intact', async () => {
    expect((await build(await loadProject({ projectDir: dir }))).success).toBe(true);
    const before = await wh.sql('select order_id, status from main.orders_snapshot order by order_id, status');
    await wh.sql(["update raw.orders set status = 'returned' where order_id = 1", 'delete from main.hook_log']);
    const r = await snapshot(await loadProject({ projectDir: dir, vars: { fail_hooks: true } }));
    expect(statusOf(r)['orders_snapshot']).toBe('error');
    expect(await wh.sql('select order_id, status from main.orders_snapshot order by order_id, status')).toEqual(before);
    expect(await log()).toEqual([]);
    expect(await wh.leftovers()).toEqual([]);

    // Without the failing hook the change is recorded: a new version, one closed.
    const ok = await snapshot(await loadProject({ projectDir: dir }));
    expect(ok.success).toBe(true);
    expect(await wh.sql('select order_id, status from main.orders_snapshot order by order_id, status')).toEqual([
      { order_id: 1, status: 'placed' },
      { order_id: 1, status: 'returned' },
      { order_id: 2, status: 'shipped' },
      { order_id: 3, status: 'placed' },
    ]);
    expect(await log()).toEqual(['pre orders_snapshot:0', 'post orders_snapshot many:3']);
  });

  it('runs `transaction: false` seed and snapshot hooks outside: before BEGIN and after COMMIT', async () => {
    const outside = (what: string) =>
      `      +${what}-hook:\n        sql: "insert into {{ target.schema }}.hook_log values ((select count(*) from {{ target.schema }}.hook_log), 'outside ${what} {{ this.identifier }}', 0)"\n        transaction: false\n`;
    const projectFile = path.join(dir, 'dbt_project.yml');
    writeFileSync(projectFile, `${readFileSync(projectFile, 'utf8')}\nsnapshots:\n  compat_hooks:\n    orders_snapshot:\n${outside('pre')}${outside('post')}`);
    expect((await build(await loadProject({ projectDir: dir }))).success).toBe(true);
    expect(await log()).toEqual([
      'pre countries create:0',
      'post countries:2',
      'outside pre orders_snapshot:0',
      'pre orders_snapshot:0',
      'post orders_snapshot many:3',
      'outside post orders_snapshot:0',
      'pre orders_mart:0',
      'post orders_mart:3',
    ]);

    // A failing post-hook inside: what ran inside is rolled back, the hook before BEGIN stays, the one after COMMIT never runs.
    await wh.sql('delete from main.hook_log');
    const r = await snapshot(await loadProject({ projectDir: dir, vars: { fail_hooks: true } }));
    expect(statusOf(r)['orders_snapshot']).toBe('error');
    expect(await log()).toEqual(['outside pre orders_snapshot:0']);
  });

  it('skips a hook that renders to nothing after deciding with run_query', async () => {
    // Two current rows: the snapshot's post-hook renders nothing and is skipped.
    await wh.sql('delete from raw.orders where order_id = 3');
    expect((await build(await loadProject({ projectDir: dir }))).success).toBe(true);
    expect(await log()).toEqual(['pre countries create:0', 'post countries:2', 'pre orders_snapshot:0', 'pre orders_mart:0', 'post orders_mart:2']);
  });

  it.runIf(kind === 'postgres')('grants select with `grant select on {{ this }} to <role>` post-hooks and usage on `schemas` from on-run-end', async () => {
    const role = `tsdbt_reader_${randomBytes(4).toString('hex')}`;
    await wh.sql(`create role ${role}`);
    try {
      const r = await build(await loadProject({ projectDir: dir, vars: { reader_role: role } }));
      expect(r.success).toBe(true);
      const can = async (obj: string) => (await wh.sql(`select has_table_privilege('${role}', '${obj}', 'select') as ok`))[0]!['ok'];
      expect(await can('main.countries')).toBe(true);
      expect(await can('main.orders_mart')).toBe(true);
      expect(await can('main.orders_snapshot')).toBe(false);
      expect((await wh.sql(`select has_schema_privilege('${role}', 'main', 'usage') as ok`))[0]!['ok']).toBe(true);
    } finally {
      await wh.sql([`drop owned by ${role}`, `drop role ${role}`]);
    }
  });
});
