// build: audit before publish, and on_error.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { build, loadProject } from '@tsdbt/core';
import { copyFixture, duckdb } from './support/project.js';

let dir: string;
let db: string;

beforeEach(async () => {
  dir = copyFixture('audit');
  db = path.join(dir, 'audit.duckdb');
  await duckdb(db, ['create schema raw', 'create table raw.orders as select * from (values (1, 10), (2, 20)) t(order_id, amount)']);
  const first = await build(await loadProject({ projectDir: dir }));
  expect(first.success).toBe(true);
});

const statusOf = (r: { results: Array<{ name: string; status: string }> }) => Object.fromEntries(r.results.map((x) => [x.name, x.status]));

describe('audit before publish', () => {
  it('keeps the published table when the new data fails an error-severity test, and skips what follows', async () => {
    await duckdb(db, 'insert into raw.orders values (null, 30), (3, null)');
    const r = await build(await loadProject({ projectDir: dir }));
    const s = statusOf(r);
    expect(s.clean_orders).toBe('error');
    const failed = r.results.find((x) => x.name === 'clean_orders')!;
    expect(failed.message).toContain('new data for `clean_orders` failed its test');
    expect(failed.message).toContain('not_null_clean_orders_order_id: Got 1 result, configured to fail if != 0');
    expect(s.order_totals).toBe('skipped');
    expect(s.not_null_clean_orders_order_id).toBe('skipped');
    // The previous rows are what readers still see.
    expect(await duckdb(db, 'select order_id, amount from main.clean_orders order by 1')).toEqual([
      { order_id: 1, amount: 10 },
      { order_id: 2, amount: 20 },
    ]);
    expect(await duckdb(db, 'select orders from main.order_totals')).toEqual([{ orders: 2 }]);
  });

  it('gates incremental models too: the bad batch is rolled back', async () => {
    await duckdb(db, 'insert into raw.orders values (null, 30), (3, 40)');
    const r = await build(await loadProject({ projectDir: dir }), { select: 'orders_inc' });
    expect(statusOf(r).orders_inc).toBe('error');
    expect(await duckdb(db, 'select count(*) as n from main.orders_inc')).toEqual([{ n: 2 }]);
  });

  it('a warn-severity test does not gate publishing', async () => {
    await duckdb(db, 'insert into raw.orders values (3, null)');
    const r = await build(await loadProject({ projectDir: dir }), { select: 'clean_orders' });
    const s = statusOf(r);
    expect(s.clean_orders).toBe('success');
    expect(s.not_null_clean_orders_amount).toBe('warn');
    expect(await duckdb(db, 'select count(*) as n from main.clean_orders')).toEqual([{ n: 3 }]);
  });

  it('audit_before_publish: false publishes first, then the failing test skips downstream', async () => {
    writeFileSync(path.join(dir, 'models/clean_orders.sql'), "{{ config(materialized='table', audit_before_publish=false) }}\nselect order_id, amount from {{ source('raw', 'orders') }}\n");
    await duckdb(db, 'insert into raw.orders values (null, 30)');
    const r = await build(await loadProject({ projectDir: dir }));
    const s = statusOf(r);
    expect(s.clean_orders).toBe('success');
    expect(s.not_null_clean_orders_order_id).toBe('fail');
    expect(s.order_totals).toBe('skipped');
    expect(await duckdb(db, 'select count(*) as n from main.clean_orders')).toEqual([{ n: 3 }]);
  });

  it('on_error: continue lets downstream models run after a failure', async () => {
    writeFileSync(path.join(dir, 'models/clean_orders.sql'), "{{ config(materialized='table', on_error='continue') }}\nselect order_id, amount, nope from {{ source('raw', 'orders') }}\n");
    const r = await build(await loadProject({ projectDir: dir }), { select: 'clean_orders order_totals' });
    const s = statusOf(r);
    expect(s.clean_orders).toBe('error');
    expect(s.order_totals).toBe('success');
    expect(r.success).toBe(false);
  });
});
