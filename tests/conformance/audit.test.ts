// build on every adapter: audit before publish (a table or incremental model's error-severity tests
// run on the uncommitted build; failing ones roll it back), and on_error.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, loadProject } from '@tsdbt/core';
import { copyFixture } from '../support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse } from '../support/warehouse.js';

const RAW_SQL = ['create schema raw', 'create table raw.orders as select * from (values (1, 10), (2, 20)) t(order_id, amount)'];

const statusOf = (r: { results: Array<{ name: string; status: string }> }) => Object.fromEntries(r.results.map((x) => [x.name, x.status]));

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture('audit');
    wh = createWarehouse(kind);
    await wh.attach(dir);
    await wh.sql(RAW_SQL);
    const first = await build(await loadProject({ projectDir: dir }));
    expect(first.success).toBe(true);
  });

  afterEach(async () => {
    await wh.dispose();
  });

  it('keeps the published table when the new data fails an error-severity test, and skips what follows', async () => {
    await wh.sql('insert into raw.orders values (null, 30), (3, null)');
    const r = await build(await loadProject({ projectDir: dir }));
    const s = statusOf(r);
    expect(s.clean_orders).toBe('error');
    const failed = r.results.find((x) => x.name === 'clean_orders')!;
    expect(failed.message).toContain('new data for `clean_orders` failed its test; "main"."clean_orders" keeps its previous rows');
    expect(failed.message).toContain('not_null_clean_orders_order_id: Got 1 result, configured to fail if != 0');
    expect(s.order_totals).toBe('skipped');
    expect(s.not_null_clean_orders_order_id).toBe('skipped');
    // The previous rows are what readers still see.
    expect(await wh.sql('select order_id, amount from main.clean_orders order by 1')).toEqual([
      { order_id: 1, amount: 10 },
      { order_id: 2, amount: 20 },
    ]);
    expect(await wh.sql('select orders, total from main.order_totals')).toEqual([{ orders: 2, total: 30 }]);
    expect(await wh.leftovers()).toEqual([]);
  });

  it('a model never published before stays unpublished when its first build fails a test', async () => {
    writeFileSync(path.join(dir, 'models/clean_orders_v2.sql'), "{{ config(materialized='table') }}\nselect order_id, amount from {{ source('raw', 'orders') }}\n");
    writeFileSync(path.join(dir, 'models/v2.yml'), 'version: 2\nmodels:\n  - name: clean_orders_v2\n    columns:\n      - name: order_id\n        data_tests: [not_null]\n');
    await wh.sql('insert into raw.orders values (null, 30)');
    const r = await build(await loadProject({ projectDir: dir }), { select: 'clean_orders_v2+' });
    expect(statusOf(r)).toEqual({ clean_orders_v2: 'error', not_null_clean_orders_v2_order_id: 'skipped' });
    expect(r.results.find((x) => x.name === 'clean_orders_v2')!.message).toContain('"main"."clean_orders_v2" was not published');
    expect((await wh.relations()).map((x) => x.name)).toEqual(['clean_orders', 'order_totals', 'orders_inc']);
    expect(await wh.leftovers()).toEqual([]);
  });

  it('gates incremental models too: the bad batch is rolled back', async () => {
    await wh.sql('insert into raw.orders values (null, 30), (3, 40)');
    const r = await build(await loadProject({ projectDir: dir }), { select: 'orders_inc' });
    expect(statusOf(r).orders_inc).toBe('error');
    expect(r.results.find((x) => x.name === 'orders_inc')!.message).toContain('not_null_orders_inc_order_id: Got 1 result, configured to fail if != 0');
    expect(await wh.sql('select order_id, amount from main.orders_inc order by order_id')).toEqual([
      { order_id: 1, amount: 10 },
      { order_id: 2, amount: 20 },
    ]);

    // Once the bad row is gone, the next batch goes in.
    await wh.sql('delete from raw.orders where order_id is null');
    const ok = await build(await loadProject({ projectDir: dir }), { select: 'orders_inc' });
    expect(statusOf(ok)).toEqual({ orders_inc: 'success', not_null_orders_inc_order_id: 'pass' });
    expect(await wh.sql('select order_id, amount from main.orders_inc order by order_id')).toEqual([
      { order_id: 1, amount: 10 },
      { order_id: 2, amount: 20 },
      { order_id: 3, amount: 40 },
    ]);
    expect(await wh.leftovers()).toEqual([]);
  });

  it('a warn-severity test does not gate publishing', async () => {
    await wh.sql('insert into raw.orders values (3, null)');
    const r = await build(await loadProject({ projectDir: dir }), { select: 'clean_orders' });
    const s = statusOf(r);
    expect(s.clean_orders).toBe('success');
    expect(s.not_null_clean_orders_amount).toBe('warn');
    expect(r.results.find((x) => x.name === 'not_null_clean_orders_amount')).toMatchObject({ failures: 1 });
    expect(await wh.sql('select order_id, amount from main.clean_orders order by order_id')).toEqual([
      { order_id: 1, amount: 10 },
      { order_id: 2, amount: 20 },
      { order_id: 3, amount: null },
    ]);
  });

  it('audit_before_publish: false publishes first, then the failing test skips downstream', async () => {
    writeFileSync(path.join(dir, 'models/clean_orders.sql'), "{{ config(materialized='table', audit_before_publish=false) }}\nselect order_id, amount from {{ source('raw', 'orders') }}\n");
    await wh.sql('insert into raw.orders values (null, 30)');
    const r = await build(await loadProject({ projectDir: dir }));
    const s = statusOf(r);
    expect(s.clean_orders).toBe('success');
    expect(s.not_null_clean_orders_order_id).toBe('fail');
    expect(s.order_totals).toBe('skipped');
    expect(await wh.sql('select order_id, amount from main.clean_orders order by order_id nulls first')).toEqual([
      { order_id: null, amount: 30 },
      { order_id: 1, amount: 10 },
      { order_id: 2, amount: 20 },
    ]);
    expect(await wh.sql('select orders, total from main.order_totals')).toEqual([{ orders: 2, total: 30 }]);
  });

  it('on_error: continue lets downstream models run after a failure', async () => {
    writeFileSync(path.join(dir, 'models/clean_orders.sql'), "{{ config(materialized='table', on_error='continue') }}\nselect order_id, amount, nope from {{ source('raw', 'orders') }}\n");
    const r = await build(await loadProject({ projectDir: dir }), { select: 'clean_orders order_totals' });
    const s = statusOf(r);
    expect(s.clean_orders).toBe('error');
    // The engine's own wording for an unknown column differs; both name it.
    expect(r.results.find((x) => x.name === 'clean_orders')!.message).toMatch(/nope/);
    expect(s.order_totals).toBe('success');
    expect(r.success).toBe(false);
    // order_totals was rebuilt from the previous clean_orders.
    expect(await wh.sql('select orders, total from main.order_totals')).toEqual([{ orders: 2, total: 30 }]);
  });
});
