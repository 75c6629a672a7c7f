// Two example projects of the jaffle-shop kind, written for dbt and used unmodified
// (tests/fixtures/jaffle-classic, tests/fixtures/jaffle-modern), built by tsdbt on every warehouse.
// The expected row counts and values are not taken from tsdbt: the seed CSVs are loaded into a
// scratch schema with plain DDL, and each expectation is a plain SQL query over that copy — what a
// dbt user gets when dbt builds the same project.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, list, loadProject, seed, type ListedNode, type RunResult } from '@tsdbt/core';
import { copyFixture, repoRoot, tsdbt } from './support/project.js';
import { createWarehouse, WAREHOUSES, type Row, type Warehouse } from './support/warehouse.js';

const fixtureDir = (name: string) => path.join(repoRoot, 'tests', 'fixtures', name);

/** Plain DDL for the scratch copy of each seed: the types a reader of the CSV would pick. */
const CLASSIC_SEEDS: Record<string, string> = {
  raw_customers: 'id integer, first_name varchar(50), last_name varchar(50)',
  raw_orders: 'id integer, user_id integer, order_date date, status varchar(20)',
  raw_payments: 'id integer, order_id integer, payment_method varchar(20), amount integer',
};
const MODERN_SEEDS: Record<string, string> = {
  raw_customers: 'id varchar(20), name varchar(50)',
  raw_orders: 'id varchar(20), customer varchar(20), ordered_at timestamp, store_id varchar(20), subtotal integer, tax_paid integer, order_total integer',
  raw_items: 'id integer, order_id varchar(20), sku varchar(20)',
  raw_products: 'sku varchar(20), name varchar(50), type varchar(20), price integer, description varchar(100)',
  raw_stores: 'id varchar(20), name varchar(50), opened_at timestamp, tax_rate numeric(6, 4)',
  raw_supplies: 'id varchar(20), name varchar(50), cost integer, perishable boolean, sku varchar(20)',
};

/** Statements that load a CSV (no quoted fields in these fixtures) into `schema.table` with the given columns. */
function loadCsvSql(schema: string, table: string, columns: string, csvText: string): string[] {
  const [, ...lines] = csvText.trim().split('\n');
  const values = lines.map((line) => `(${line.split(',').map((v) => (v === '' ? 'null' : `'${v.replace(/'/g, "''")}'`)).join(', ')})`);
  return [`drop table if exists ${schema}.${table}`, `create table ${schema}.${table} (${columns})`, `insert into ${schema}.${table} values ${values.join(',\n')}`];
}

async function loadScratch(wh: Warehouse, schema: string, seedDir: string, seeds: Record<string, string>): Promise<void> {
  const statements = [`create schema if not exists ${schema}`];
  for (const [table, columns] of Object.entries(seeds)) statements.push(...loadCsvSql(schema, table, columns, readFileSync(path.join(seedDir, `${table}.csv`), 'utf8')));
  await wh.sql(statements);
}

const count = async (wh: Warehouse, relation: string) => Number((await wh.sql(`select count(*) as n from ${relation}`))[0]!.n);
const scalar = async (wh: Warehouse, sql: string) => (await wh.sql(sql))[0]!.v;

/** Every node of a build succeeded: models, seeds and snapshots `success`, tests `pass`. */
function expectEveryNodeSucceeded(result: RunResult | Error): asserts result is RunResult {
  if (result instanceof Error) throw result;
  const notOk = result.results.filter((r) => r.status !== 'success' && r.status !== 'pass').map((r) => `${r.resourceType} ${r.name}: ${r.status} ${r.message.split('\n')[0]}`);
  expect(notOk).toEqual([]);
  expect(result.results.length).toBeGreaterThan(0);
  expect(result.success).toBe(true);
}

/** Text of a dbt_utils.generate_surrogate_key value: md5 of the fields cast to text, joined by '-'. */
const surrogateKey = (...fields: Array<string | number>) => createHash('md5').update(fields.map(String).join('-')).digest('hex');

describe.each(WAREHOUSES)('%s', (kind) => {
  // ---------------------------------------------------------------------------------------------
  describe('jaffle-classic: seeds, staging views, marts, docs, dispatch, incremental merge, check snapshot', () => {
    let dir: string;
    let wh: Warehouse;
    let first: RunResult | Error;

    beforeAll(async () => {
      dir = copyFixture('jaffle-classic');
      wh = createWarehouse(kind);
      await wh.attach(dir);
      await loadScratch(wh, 'scratch', path.join(dir, 'seeds'), CLASSIC_SEEDS);
      first = await build(await loadProject({ projectDir: dir })).catch((e: Error) => e);
    }, 120_000);

    afterAll(async () => {
      await wh.dispose();
    });

    it('builds every seed, model, snapshot and test successfully', () => {
      expectEveryNodeSucceeded(first);
      const names = (first as RunResult).results.map((r) => `${r.resourceType} ${r.name}`);
      // the four generic tests and both dbt_utils tests ran
      for (const t of ['unique_', 'not_null_', 'accepted_values_', 'relationships_', 'dbt_utils_accepted_range_', 'dbt_utils_expression_is_true_']) expect(names.some((n) => n.startsWith(`test ${t}`))).toBe(true);
      expect(names).toContain('snapshot customers_snapshot');
      // dbt's count for this project: 3 seeds, 6 models, 1 snapshot and 22 tests — stg_customers 2,
      // stg_orders 3, stg_payments 4, customers 2, orders 8 (1 model-level + 2 + 2 + 2 + 1),
      // order_payments_incremental 2, and 1 on the raw_payments seed.
      const kinds = (first as RunResult).results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.resourceType]: (acc[r.resourceType] ?? 0) + 1 }), {});
      expect(kinds).toEqual({ seed: 3, model: 6, snapshot: 1, test: 22 });
    });

    it('has the row counts a dbt user gets', async () => {
      const customers = await count(wh, 'scratch.raw_customers');
      const orders = await count(wh, 'scratch.raw_orders');
      const payments = await count(wh, 'scratch.raw_payments');
      expect([customers, orders, payments]).toEqual([100, 100, 120]);
      const expected: Record<string, number> = {
        'main.raw_customers': customers,
        'main.raw_orders': orders,
        'main.raw_payments': payments,
        'main.stg_customers': customers,
        'main.stg_orders': orders,
        'main.stg_payments': payments,
        'main.customers': customers,
        'main.orders': orders,
        'main.order_payments_incremental': await count(wh, '(select distinct id from scratch.raw_orders) o'),
        'snapshots.customers_snapshot': customers,
      };
      const actual: Record<string, number> = {};
      for (const relation of Object.keys(expected)) actual[relation] = await count(wh, relation);
      expect(actual).toEqual(expected);
      // +column_types from dbt_project.yml; the other columns as dbt infers them
      expect(await wh.columns('raw_orders')).toEqual([
        { name: 'id', type: 'integer' },
        { name: 'user_id', type: 'integer' },
        { name: 'order_date', type: 'date' },
        { name: 'status', type: 'varchar' },
      ]);
      expect((await wh.columns('raw_payments')).find((c) => c.name === 'amount')?.type).toBe('integer');
      // staging is views, marts tables, as configured in dbt_project.yml
      const kinds = Object.fromEntries((await wh.relations()).map((r) => [r.name, r.kind]));
      expect(kinds).toMatchObject({ stg_customers: 'view', stg_orders: 'view', stg_payments: 'view', customers: 'table', orders: 'table', order_payments_incremental: 'table' });
    });

    it('computes lifetime value of three named customers in dollars through the dispatched macro', async () => {
      const ltv = (first: string, last: string) =>
        scalar(
          wh,
          `select sum(p.amount) / 100.0 as v from scratch.raw_payments p join scratch.raw_orders o on p.order_id = o.id join scratch.raw_customers c on c.id = o.user_id where c.first_name = '${first}' and c.last_name = '${last}'`,
        );
      const built = async (first: string, last: string) => scalar(wh, `select customer_lifetime_value as v from main.customers where first_name = '${first}' and last_name = '${last}'`);
      for (const [f, l] of [
        ['Maren', 'E.'],
        ['Mirela', 'M.'],
        ['Delphine', 'B.'],
      ] as const) {
        expect(Number(await built(f, l))).toBeCloseTo(Number(await ltv(f, l)), 6);
      }
      expect(Number(await built('Maren', 'E.'))).toBeCloseTo(123, 6);
      // a customer without orders has no lifetime value (left join), as in dbt
      expect(await built('Fenna', 'O.')).toBeNull();
      // the payment-method columns come from the `payment_methods` var loop
      const cols = (await wh.columns('orders')).map((c) => c.name);
      expect(cols).toEqual(['order_key', 'order_id', 'customer_id', 'order_date', 'status', 'credit_card_amount', 'coupon_amount', 'bank_transfer_amount', 'gift_card_amount', 'amount']);
    });

    it('renders {{ doc(…) }} descriptions from the {% docs %} blocks into manifest.json', () => {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { columns: Record<string, { description: string }> }> };
      const status = manifest.nodes['model.jaffle_classic.stg_orders']!.columns['status']!.description;
      expect(status).toContain('Where an order is in its life:');
      expect(status).toContain('| return_pending | the customer asked to return the order');
      expect(status).not.toContain('doc(');
      expect(manifest.nodes['model.jaffle_classic.customers']!.columns['customer_id']!.description.trim()).toBe("The customer's identifier, as issued by the shop's backend.");
    });

    it('generates the same surrogate keys as dbt_utils on every adapter', async () => {
      const rows = await wh.sql('select order_id, customer_id, order_key from main.orders where order_id in (1, 2, 100) order by order_id');
      expect(rows.map((r: Row) => r.order_key)).toEqual(rows.map((r: Row) => surrogateKey(Number(r.order_id), Number(r.customer_id))));
      // order 1 belongs to customer 75 (seeds/raw_orders.csv)
      expect(rows[0]!.order_key).toBe(surrogateKey(1, 75));
    });

    it('a second build merges new orders into the incremental model and versions the changed customer in the check snapshot', async () => {
      // The backend exports again: Fenna O. became Fenna Q.; two new orders (one for her) with payments.
      const seeds = path.join(dir, 'seeds');
      const customersCsv = readFileSync(path.join(seeds, 'raw_customers.csv'), 'utf8');
      expect(customersCsv).toContain('\n7,Fenna,O.\n');
      writeFileSync(path.join(seeds, 'raw_customers.csv'), customersCsv.replace('\n7,Fenna,O.\n', '\n7,Fenna,Q.\n'));
      appendFileSync(path.join(seeds, 'raw_orders.csv'), '101,7,2024-04-03,placed\n102,90,2024-04-04,shipped\n');
      appendFileSync(path.join(seeds, 'raw_payments.csv'), '121,101,credit_card,1500\n122,102,gift_card,900\n');
      await loadScratch(wh, 'scratch', seeds, CLASSIC_SEEDS);

      const second = await build(await loadProject({ projectDir: dir })).catch((e: Error) => e);
      expectEveryNodeSucceeded(second);
      const byName = Object.fromEntries(second.results.map((r) => [r.name, r]));
      expect(byName['order_payments_incremental']!.materialization).toBe('incremental');
      // merged, not rebuilt: order 100 (the latest date before) updated, 101 and 102 inserted
      expect(byName['order_payments_incremental']!.message).toMatch(/^MERGE 3\b/);

      const orders = await count(wh, 'scratch.raw_orders');
      expect(orders).toBe(102);
      expect(await count(wh, 'main.orders')).toBe(orders);
      // merge on order_id: orders from the latest date on (100, 101, 102) re-merged, none duplicated
      expect(await count(wh, 'main.order_payments_incremental')).toBe(orders);
      expect(await count(wh, '(select order_id from main.order_payments_incremental group by order_id having count(*) > 1) d')).toBe(0);
      const merged = await wh.sql('select order_id, customer_id, payment_count, amount from main.order_payments_incremental where order_id >= 100 order by order_id');
      const expectedMerged = await wh.sql(
        'select o.id as order_id, o.user_id as customer_id, count(p.id) as payment_count, sum(p.amount) / 100.0 as amount from scratch.raw_orders o left join scratch.raw_payments p on p.order_id = o.id where o.id >= 100 group by o.id, o.user_id order by o.id',
      );
      expect(merged.map((r) => [Number(r.order_id), Number(r.customer_id), Number(r.payment_count), Number(r.amount)])).toEqual(
        expectedMerged.map((r) => [Number(r.order_id), Number(r.customer_id), Number(r.payment_count), Number(r.amount)]),
      );

      // check snapshot: one more version (Fenna's), the old one closed, the new one current
      expect(await count(wh, 'snapshots.customers_snapshot')).toBe((await count(wh, 'scratch.raw_customers')) + 1);
      const fenna = await wh.sql('select last_name, dbt_valid_to is null as current from snapshots.customers_snapshot where id = 7 order by dbt_valid_from');
      expect(fenna.map((r) => [r.last_name, Boolean(r.current)])).toEqual([
        ['O.', false],
        ['Q.', true],
      ]);
      expect(await count(wh, '(select id from snapshots.customers_snapshot where dbt_valid_to is null group by id having count(*) > 1) d')).toBe(0);

      // marts follow the new data: Fenna now has one order and a lifetime value of 15.00
      const row = (await wh.sql("select number_of_orders, customer_lifetime_value from main.customers where first_name = 'Fenna'"))[0]!;
      expect([Number(row.number_of_orders), Number(row.customer_lifetime_value)]).toEqual([1, 15]);
    });

    // The CLI runs packages/cli/bin (the built dist/, as `npm test` builds it first).
    it('the CLI `tsdbt build` exits 0 on a fresh copy and warehouse', async () => {
      const fresh = copyFixture('jaffle-classic');
      const w = createWarehouse(kind);
      try {
        await w.attach(fresh);
        const r = tsdbt(['build', '--project-dir', fresh, '--profiles-dir', fresh], fresh);
        expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
        expect(await count(w, 'main.orders')).toBe(100);
        expect(await count(w, 'snapshots.customers_snapshot')).toBe(100);
      } finally {
        await w.dispose();
      }
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('jaffle-modern: sources over raw seeds, stg_ models, six marts, semantic layer YAML, an exposure', () => {
    let dir: string;
    let wh: Warehouse;
    let first: RunResult | Error;

    beforeAll(async () => {
      dir = copyFixture('jaffle-modern');
      wh = createWarehouse(kind);
      await wh.attach(dir);
      await loadScratch(wh, 'scratch', path.join(dir, 'seeds', 'jaffle-data'), MODERN_SEEDS);
      // dbt draws no edge from a source to the seed that loads it, so the raw data is seeded first
      // (`dbt seed`, then `dbt build`), as the project's users do.
      first = await seed(await loadProject({ projectDir: dir }))
        .then(async () => build(await loadProject({ projectDir: dir })))
        .catch((e: Error) => e);
    }, 120_000);

    afterAll(async () => {
      await wh.dispose();
    });

    it('builds every seed, model and test successfully', () => {
      expectEveryNodeSucceeded(first);
      const names = (first as RunResult).results.map((r) => `${r.resourceType} ${r.name}`);
      for (const t of ['unique_', 'not_null_', 'accepted_values_', 'relationships_', 'dbt_utils_accepted_range_', 'dbt_utils_expression_is_true_']) expect(names.some((n) => n.startsWith(`test ${t}`))).toBe(true);
      // dbt's count: 6 seeds, 13 models and 35 tests — staging 14 (2 per model, plus the
      // expression on stg_orders and the relationship on stg_order_items), customers.yml 4,
      // orders.yml 6, marts.yml 11. The semantic models, metrics, saved query and exposure don't run.
      const kinds = (first as RunResult).results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.resourceType]: (acc[r.resourceType] ?? 0) + 1 }), {});
      expect(kinds).toEqual({ seed: 6, model: 13, test: 35 });
    });

    it('has the row counts a dbt user gets', async () => {
      const n: Record<string, number> = {};
      for (const table of Object.keys(MODERN_SEEDS)) n[table] = await count(wh, `scratch.${table}`);
      expect(n).toEqual({ raw_customers: 60, raw_orders: 150, raw_items: 304, raw_products: 10, raw_stores: 4, raw_supplies: 28 });
      const expected: Record<string, number> = {
        // seeds land in `raw` (generate_schema_name uses custom schemas as written)
        ...Object.fromEntries(Object.entries(n).map(([t, c]) => [`raw.${t}`, c])),
        'main.stg_customers': n.raw_customers!,
        'main.stg_orders': n.raw_orders!,
        'main.stg_order_items': n.raw_items!,
        'main.stg_products': n.raw_products!,
        'main.stg_supplies': n.raw_supplies!,
        'main.stg_locations': n.raw_stores!,
        'main.customers': n.raw_customers!,
        'main.orders': n.raw_orders!,
        'main.order_items': n.raw_items!,
        'main.products': n.raw_products!,
        'main.supplies': n.raw_supplies!,
        'main.locations': n.raw_stores!,
        // dbt_utils.date_spine: every day from the start date up to, not including, the end date
        'main.metricflow_time_spine': Number(await scalar(wh, "select date '2025-01-01' - date '2024-01-01' as v")),
      };
      const actual: Record<string, number> = {};
      for (const relation of Object.keys(expected)) actual[relation] = await count(wh, relation);
      expect(actual).toEqual(expected);
      expect(actual['main.metricflow_time_spine']).toBe(366);
    });

    it('computes lifetime spend, customer type and order facts as plain SQL over the seeds does', async () => {
      for (const name of ['Hamid Haddad', 'Bertil Okafor', 'Gwen Haddad']) {
        const want = await scalar(wh, `select sum(o.order_total) / 100.0 as v from scratch.raw_orders o join scratch.raw_customers c on c.id = o.customer where c.name = '${name}'`);
        const got = await scalar(wh, `select lifetime_spend as v from main.customers where customer_name = '${name}'`);
        expect(Number(got)).toBeCloseTo(Number(want), 6);
      }
      expect(Number(await scalar(wh, "select lifetime_spend as v from main.customers where customer_name = 'Hamid Haddad'"))).toBeCloseTo(149.91, 6);
      const returning = await scalar(wh, 'select count(*) as v from (select customer from scratch.raw_orders group by customer having count(*) > 1) r');
      expect(Number(await scalar(wh, "select count(*) as v from main.customers where customer_type = 'returning'"))).toBe(Number(returning));
      const foodOrders = await scalar(wh, "select count(distinct i.order_id) as v from scratch.raw_items i join scratch.raw_products p on p.sku = i.sku where p.type = 'jaffle'");
      expect(Number(await scalar(wh, 'select count(*) as v from main.orders where is_food_order'))).toBe(Number(foodOrders));
      const cost = await scalar(wh, 'select sum(s.cost) / 100.0 as v from scratch.raw_items i join scratch.raw_supplies s on s.sku = i.sku');
      expect(Number(await scalar(wh, 'select sum(order_cost) as v from main.orders'))).toBeCloseTo(Number(cost), 6);
    });

    it('generates the same supply surrogate keys as dbt_utils on every adapter', async () => {
      const rows = await wh.sql("select supply_id, product_id, supply_uuid from main.supplies where supply_id = 'SUP-01' order by product_id");
      expect(rows).toHaveLength(5);
      expect(rows.map((r) => r.supply_uuid)).toEqual(rows.map((r) => surrogateKey(String(r.supply_id), String(r.product_id))));
      expect(rows[0]!.supply_uuid).toBe(surrogateKey('SUP-01', 'JAF-001'));
    });

    it('parses and lists the semantic models, metrics, saved query and exposure without executing them', async () => {
      const listed: ListedNode[] = await list(await loadProject({ projectDir: dir }));
      const ids = listed.map((n) => n.uniqueId);
      expect(ids).toEqual(
        expect.arrayContaining([
          'semantic_model.jaffle_modern.customers',
          'semantic_model.jaffle_modern.orders',
          'metric.jaffle_modern.order_total',
          'metric.jaffle_modern.food_order_share',
          'metric.jaffle_modern.lifetime_spend_pretax',
          'saved_query.jaffle_modern.order_metrics',
          'exposure.jaffle_modern.weekly_kpis',
        ]),
      );
      // nothing of the semantic layer ran
      const built = (first as RunResult).results.map((r) => r.resourceType);
      expect(built.filter((t) => !['seed', 'model', 'test', 'snapshot'].includes(t))).toEqual([]);
    });

    it('the CLI `tsdbt seed` then `tsdbt build` exit 0 on a fresh copy and warehouse', async () => {
      const fresh = copyFixture('jaffle-modern');
      const w = createWarehouse(kind);
      try {
        await w.attach(fresh);
        for (const command of ['seed', 'build']) {
          const r = tsdbt([command, '--project-dir', fresh, '--profiles-dir', fresh], fresh);
          expect(r.code, `${command}\n${r.stdout}\n${r.stderr}`).toBe(0);
        }
        expect(await count(w, 'main.order_items')).toBe(304);
        expect(await count(w, 'main.metricflow_time_spine')).toBe(366);
      } finally {
        await w.dispose();
      }
    });
  });
});

describe('the fixtures are dbt projects, unmodified', () => {
  it.each(['jaffle-classic', 'jaffle-modern'])('%s has a dbt_project.yml naming a profile, a packages.yml with dbt_utils, and no tsdbt_project.yml', (name) => {
    const d = fixtureDir(name);
    expect(existsSync(path.join(d, 'tsdbt_project.yml'))).toBe(false);
    expect(readFileSync(path.join(d, 'dbt_project.yml'), 'utf8')).toMatch(/^profile: '?jaffle_\w+'?$/m);
    expect(readFileSync(path.join(d, 'packages.yml'), 'utf8')).toContain('dbt-labs/dbt_utils');
    expect(readdirSync(path.join(d, 'macros'))).toContain('cents_to_dollars.sql');
  });
});
