// End to end on every adapter: the shop fixture (staging → ephemeral intermediate → marts, folder
// config, macros, vars, sources, a generate_schema_name override) built through the library API and
// the CLI. Compile-only behaviour is checked once, without a warehouse.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compile, loadProject, run, type RunEvent } from '@tsdbt/core';
import { copyFixture, SHOP_RAW_SQL, tsdbt } from '../support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse } from '../support/warehouse.js';

/** SHOP_RAW_SQL without `create or replace table`, which Postgres lacks. */
const RAW_SQL = SHOP_RAW_SQL.flatMap((s) => {
  const m = /^create or replace table (\S+) as /i.exec(s);
  return m ? [`drop table if exists ${m[1]}`, s.replace(/^create or replace table/i, 'create table')] : [s];
});

const ORDERS = [
  { order_id: 1, credit_card_amount: 10, coupon_amount: 0, gift_card_amount: 0, amount: 10 },
  { order_id: 2, credit_card_amount: 15, coupon_amount: 5, gift_card_amount: 0, amount: 20 },
  { order_id: 3, credit_card_amount: 0, coupon_amount: 0, gift_card_amount: 0, amount: 20 },
  { order_id: 4, credit_card_amount: 7.5, coupon_amount: 0, gift_card_amount: 2.5, amount: 10 },
  { order_id: 5, credit_card_amount: 30, coupon_amount: 0, gift_card_amount: 0, amount: 30 },
  { order_id: 6, credit_card_amount: 0, coupon_amount: 12, gift_card_amount: 0, amount: 12 },
];

describe.each(WAREHOUSES)('shop project on %s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture('shop');
    wh = createWarehouse(kind);
    await wh.attach(dir);
    await wh.sql(RAW_SQL);
  });
  afterEach(async () => {
    await wh.dispose();
  });

  /** Every relation outside `raw`, as `schema.name: kind`. */
  async function relations(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const schema of ['main', 'marts', 'staging']) for (const r of await wh.relations(schema)) out[`${schema}.${r.name}`] = r.kind;
    return out;
  }

  describe('through the API', () => {
    it('builds every enabled model into the schema generate_schema_name chose, with the right rows', async () => {
      const events: RunEvent[] = [];
      const project = await loadProject({ projectDir: dir });
      expect(project.target.name).toBe('test');
      expect(project.target.config.type).toBe(kind);
      const result = await run(project, { onEvent: (e) => events.push(e) });
      expect(result.results.map((r) => `${r.name}:${r.status}`).sort()).toEqual(['dim_customers:success', 'fct_orders:success', 'stg_customers:success', 'stg_orders:success', 'stg_payments:success']);
      // DAG order: a model finishes after everything it depends on.
      const pos = (n: string) => result.results.findIndex((r) => r.name === n);
      expect(pos('fct_orders')).toBeGreaterThan(Math.max(pos('stg_orders'), pos('stg_payments')));
      expect(pos('dim_customers')).toBeGreaterThan(pos('fct_orders'));
      expect(result.success).toBe(true);

      // Override: custom schemas used verbatim; ephemeral and disabled models are not relations.
      expect(await relations()).toEqual({
        'marts.dim_customers': 'table',
        'marts.orders': 'table',
        'staging.stg_customers': 'view',
        'staging.stg_orders': 'view',
        'staging.stg_payments': 'view',
      });

      expect(await wh.sql('select order_id, credit_card_amount, coupon_amount, gift_card_amount, amount from marts.orders order by order_id')).toEqual(ORDERS);
      expect(await wh.sql('select customer_id, number_of_orders, lifetime_value from marts.dim_customers order by 1')).toEqual([
        { customer_id: 1, number_of_orders: 2, lifetime_value: 30 },
        { customer_id: 2, number_of_orders: 2, lifetime_value: 32 },
        { customer_id: 3, number_of_orders: 2, lifetime_value: 40 },
        { customer_id: 4, number_of_orders: 0, lifetime_value: 0 },
      ]);

      // Events: one start and one finish per node, a run_finished last.
      expect(events.filter((e) => e.type === 'node_started')).toHaveLength(5);
      expect(events.at(-1)?.type).toBe('run_finished');
      expect(events[0]).toMatchObject({ type: 'run_started', adapter: kind, target: 'test' });
      expect(result.results.find((r) => r.name === 'fct_orders')!.rowsAffected).toBe(6);

      // Artifacts, dbt-shaped.
      const rr = JSON.parse(readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8'));
      expect(rr.results).toHaveLength(5);
      expect(rr.results[0]).toMatchObject({ status: 'success', unique_id: expect.stringMatching(/^model\.shop\./) });
      const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8'));
      expect(manifest.metadata.adapter_type).toBe(kind);
      expect(manifest.nodes['model.shop.fct_orders'].depends_on.nodes.sort()).toEqual(['model.shop.int_order_payments', 'model.shop.stg_orders']);
      expect(manifest.nodes['model.shop.dim_customers'].tags.sort()).toEqual(['customers', 'marts']);
      expect(manifest.disabled['model.shop.legacy_report']).toBeDefined();
      expect(manifest.sources['source.shop.raw.payments'].relation_name).toBe('"raw"."payment_events"');
    });

    it('builds a second time over what the first run made (swap path), with the same rows and no leftovers', async () => {
      expect((await run(await loadProject({ projectDir: dir }))).success).toBe(true);
      await wh.sql(`update raw.payment_events set amount = 2500 where id = 7`);
      const again = await run(await loadProject({ projectDir: dir }));
      expect(again.results.map((r) => `${r.name}:${r.status}`).sort()).toEqual(['dim_customers:success', 'fct_orders:success', 'stg_customers:success', 'stg_orders:success', 'stg_payments:success']);
      expect(await wh.sql('select order_id, amount from marts.orders where order_id = 5')).toEqual([{ order_id: 5, amount: 25 }]);
      expect(await wh.sql('select lifetime_value from marts.dim_customers where customer_id = 3')).toEqual([{ lifetime_value: 35 }]);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('applies --vars over project vars', async () => {
      const project = await loadProject({ projectDir: dir, vars: '{min_order_amount: 20}' });
      const result = await run(project, { select: '+fct_orders' });
      expect(result.results.map((r) => r.name).sort()).toEqual(['fct_orders', 'stg_orders', 'stg_payments']);
      const rows = await wh.sql('select order_id from marts.orders order by 1');
      expect(rows.map((r) => r.order_id)).toEqual([2, 3, 5]);
    });

    it('keeps the previous relation when a model breaks, marks downstream skipped', async () => {
      await run(await loadProject({ projectDir: dir }));
      const before = await wh.sql('select * from staging.stg_orders order by order_id');
      expect(before).toHaveLength(6);
      writeFileSync(path.join(dir, 'models/staging/stg_orders.sql'), 'select id as order_id, no_such_column from {{ source("raw", "orders") }}\n');
      const result = await run(await loadProject({ projectDir: dir }));
      expect(result.success).toBe(false);
      const byName = Object.fromEntries(result.results.map((r) => [r.name, r]));
      expect(byName.stg_orders!.status).toBe('error');
      expect(byName.stg_orders!.message).toMatch(/no_such_column/);
      expect(byName.fct_orders!.status).toBe('skipped');
      expect(byName.dim_customers!.status).toBe('skipped');
      expect(byName.stg_customers!.status).toBe('success');
      expect(await wh.sql('select * from staging.stg_orders order by order_id')).toEqual(before);
      expect(await wh.leftovers()).toEqual([]);
    });
  });

  describe('through the CLI', () => {
    it('runs, lists and shows', () => {
      const r = tsdbt(['run', '--project-dir', dir]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`on target test (${kind})`);
      expect(r.stdout).toMatch(/5 of 5 OK\s+table\s+"marts"."dim_customers" 4 rows/);
      expect(r.stdout).toMatch(/Finished 5 nodes in [\d.]+s: 5 ok, 0 failed, 0 skipped/);

      const ls = tsdbt(['ls', '--project-dir', dir, '--select', '+fct_orders', '--output', 'name']);
      expect(ls.stdout.trim().split('\n').sort()).toEqual(['int_order_payments', 'raw.orders', 'raw.payments', 'stg_orders', 'stg_payments', 'fct_orders'].sort());

      const show = tsdbt(['show', '--project-dir', dir, '--inline', "select count(*) as n from {{ ref('dim_customers') }}"]);
      expect(show.code).toBe(0);
      expect(show.stdout).toMatch(/\| n \|\n\|---\|\n\| 4 \|/);
    });

    it('exits 1 naming the model, file and warehouse message when a model fails', () => {
      writeFileSync(path.join(dir, 'models/marts/dim_customers.sql'), 'select missing_col from {{ ref("stg_customers") }}\n');
      const r = tsdbt(['run', '--project-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('Failed dim_customers (models/marts/dim_customers.sql)');
      expect(r.stdout).toMatch(/missing_col/);
    });
  });

  describe('cancellation', () => {
    it('an aborted run interrupts the running statement, skips the rest and keeps the previous relation', async () => {
      writeFileSync(path.join(dir, 'models/marts/slow_total.sql'), "{{ config(materialized='table') }}\nselect sum(i) as s from generate_series(0, {{ var('n', 0) }}) t(i)\n");
      writeFileSync(path.join(dir, 'models/marts/after_slow.sql'), "select * from {{ ref('slow_total') }}\n");
      await run(await loadProject({ projectDir: dir }), { select: 'slow_total' });
      expect(await wh.sql('select s from marts.slow_total')).toEqual([{ s: 0 }]);

      const controller = new AbortController();
      const project = await loadProject({ projectDir: dir, vars: { n: 50_000_000_000 } });
      const result = await run(project, {
        select: 'slow_total+',
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'node_started') setTimeout(() => controller.abort(), 300);
        },
      });
      const byName = Object.fromEntries(result.results.map((r) => [r.name, r]));
      expect(byName.slow_total!.status).toBe('error');
      // The engine's own wording: DuckDB "INTERRUPT Error: Interrupted!", Postgres "canceling statement due to user request".
      expect(byName.slow_total!.message).toMatch(kind === 'duckdb' ? /interrupt/i : /canceling statement due to user request/);
      expect(byName.after_slow!.status).toBe('skipped');
      expect(await wh.sql('select s from marts.slow_total')).toEqual([{ s: 0 }]);
      expect(await wh.leftovers()).toEqual([]);
    });
  });

  describe('scheduling', () => {
    it('runs independent models at the same time with --threads 2, and one at a time with 1', async () => {
      for (const n of ['slow_a', 'slow_b']) {
        writeFileSync(path.join(dir, `models/marts/${n}.sql`), "{{ config(materialized='table') }}\nselect sum(i) as s from generate_series(0, 1000000) t(i)\n");
      }
      const overlap = (rs: { startedAt: string; completedAt: string }[]) => Date.parse(rs[0]!.startedAt) < Date.parse(rs[1]!.completedAt) && Date.parse(rs[1]!.startedAt) < Date.parse(rs[0]!.completedAt);
      const two = await run(await loadProject({ projectDir: dir }), { select: 'slow_a slow_b', threads: 2 });
      expect(two.results.map((r) => r.status)).toEqual(['success', 'success']);
      expect(two.results.map((r) => r.threadId).sort()).toEqual(['Thread-1', 'Thread-2']);
      expect(overlap(two.results)).toBe(true);
      const one = await run(await loadProject({ projectDir: dir }), { select: 'slow_a slow_b', threads: 1 });
      expect(one.results.map((r) => r.threadId)).toEqual(['Thread-1', 'Thread-1']);
      expect(overlap(one.results)).toBe(false);
      expect(await wh.sql('select s from marts.slow_a')).toEqual([{ s: 500_000_500_000 }]);
    });

    it('--fail-fast stops scheduling after the first failure', async () => {
      writeFileSync(path.join(dir, 'models/staging/stg_orders.sql'), 'select nope from {{ source("raw", "orders") }}\n');
      const result = await run(await loadProject({ projectDir: dir }), { threads: 1, failFast: true });
      const statuses = result.results.map((r) => `${r.name}:${r.status}`);
      expect(statuses[0]).toBe('stg_orders:error');
      expect(result.results.slice(1).every((r) => r.status === 'skipped')).toBe(true);
      expect(result.results).toHaveLength(5);
      // Independent of the failure, but not run: fail-fast stopped scheduling.
      expect(result.results.find((r) => r.name === 'stg_customers')!.message).toBe('skipped: run stopped');
    });
  });
});

// Compile-time behaviour: no warehouse involved beyond the fixture's default target.
describe('shop project, compile only', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyFixture('shop');
  });

  it('inlines ephemeral models as __tsdbt__cte__ CTEs, merged into an existing WITH', async () => {
    const project = await loadProject({ projectDir: dir });
    const { models } = await compile(project, { select: 'fct_orders' });
    const sql = models[0]!.compiledSql;
    expect(sql).toMatch(/^\s*with __tsdbt__cte__int_order_payments as \(/);
    expect(sql).toContain('),\norders as (');
    expect(sql).toContain('left join __tsdbt__cte__int_order_payments as p');
    expect(existsSync(path.join(dir, 'target/compiled/shop/models/marts/finance/fct_orders.sql'))).toBe(true);
  });

  it('refuses secret env vars in models, so they never reach compiled SQL', async () => {
    writeFileSync(path.join(dir, 'models/staging/leak.sql'), "select '{{ env_var('TSDBT_ENV_SECRET_TOKEN') }}' as t\n");
    const project = await loadProject({ projectDir: dir, env: { ...process.env, TSDBT_ENV_SECRET_TOKEN: 'tok-123456' } });
    const result = await run(project, { select: 'leak' });
    expect(result.results[0]!.status).toBe('error');
    expect(result.results[0]!.message).toContain('secret env var `TSDBT_ENV_SECRET_TOKEN` cannot be used in models');
    expect(readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')).not.toContain('tok-123456');
  });
});
