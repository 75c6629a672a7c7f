// Data tests and unit tests on every adapter: the data-tests fixture (generic tests on models, columns
// and a source, a custom generic test in tests/generic/, singular tests, unit tests) run through the
// library API and the CLI. Raw data lives in schema `raw`; each case inserts the rows it needs.
// Parsing, naming and selection need no warehouse and run once.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, list, loadProject, run, test, type NodeResult, type RunOptions } from '@tsdbt/core';
import { copyFixture, tsdbt } from '../support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse } from '../support/warehouse.js';

const RAW_SQL = [
  'create schema if not exists raw',
  `create table raw.customers as select * from (values (1, 'Ada'), (2, 'Grace'), (3, 'Alan')) t(id, name)`,
  `create table raw.orders as select * from (values
     (1, 1, 'completed', 10), (2, 1, 'shipped', 20), (3, 2, 'returned', 30), (4, 3, 'placed', null)) t(id, customer_id, status, amount)`,
];

const ACCEPTED = 'accepted_values_orders_status__placed__shipped__completed__returned';
const RELATIONSHIPS = 'relationships_orders_customer_id__id__ref_customers_';

const statuses = (results: Map<string, NodeResult>) => Object.fromEntries([...results].map(([name, r]) => [name, r.status]));
const listNodes = async (dir: string, select?: string) => list(await loadProject({ projectDir: dir }), select ? { select } : { resourceTypes: ['test'] });

describe('without a warehouse', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyFixture('data-tests');
  });

  it('generic tests are named and identified as dbt names them, attached to what they test', async () => {
    const byName = new Map((await listNodes(dir)).map((n) => [n.name, n]));
    expect([...byName.keys()].sort()).toEqual(
      [
        ACCEPTED, 'every_order_has_a_customer', 'not_null_customers_id', 'not_null_orders_amount', 'not_null_orders_customer_id', 'not_null_orders_order_id',
        'order_totals_not_negative', 'positive_amount_orders_amount', RELATIONSHIPS, 'source_unique_raw_customers_id', 'status_completed_limited',
        'unique_customers_id', 'unique_order_totals_customer_id', 'unique_orders_order_id',
      ].sort(),
    );
    expect(byName.get('unique_customers_id')!.uniqueId).toBe('test.dq.unique_customers_id.70f3d3fd20');
    expect(byName.get(ACCEPTED)!.uniqueId).toBe(`test.dq.${ACCEPTED}.69dce9e5d5`);
    // Too long for a relation name: the hashed short name is the alias.
    expect(byName.get(ACCEPTED)!.config.alias).toBe('accepted_values_orders_8b08a2e3c7880954e0d6e0b54536f6b3');
    expect(byName.get(RELATIONSHIPS)!.dependsOn.sort()).toEqual(['model.dq.customers', 'model.dq.orders']);
    expect(byName.get('source_unique_raw_customers_id')!.dependsOn).toEqual(['source.dq.raw.customers']);
    // Folder config (`data_tests:` in the project file) and defaults.
    expect(byName.get('not_null_orders_order_id')!.tags).toEqual(['dq']);
    expect(byName.get('not_null_orders_order_id')!.config).toMatchObject({ severity: 'ERROR', warn_if: '!= 0', error_if: '!= 0', fail_calc: 'count(*)' });
  });

  it('an unknown test is a located error with a suggestion', async () => {
    const schema = path.join(dir, 'models', 'schema.yml');
    writeFileSync(schema, readFileSync(schema, 'utf8').replace('tests: [unique, not_null]', 'tests: [uniqe, not_null]'));
    await expect(list(await loadProject({ projectDir: dir }), {})).rejects.toMatchObject({ kind: 'yaml', hint: 'did you mean `unique`?', location: { file: 'models/schema.yml' } });
  });

  it('singular tests render like models (refs become edges) and take folder config', async () => {
    const nodes = new Map((await listNodes(dir)).map((n) => [n.name, n]));
    expect(nodes.get('every_order_has_a_customer')).toMatchObject({ uniqueId: 'test.dq.every_order_has_a_customer', tags: ['dq', 'integrity'] });
    expect(nodes.get('every_order_has_a_customer')!.dependsOn.sort()).toEqual(['model.dq.customers', 'model.dq.orders']);
    expect(nodes.get('order_totals_not_negative')!.config.severity).toBe('warn');
  });

  it('selection by test_type: unit | data | generic | singular', async () => {
    const names = async (select: string) => (await listNodes(dir, select)).map((n) => n.name).sort();
    expect(await names('test_type:unit')).toEqual(['customers_from_source_csv', 'totals_per_customer']);
    expect(await names('test_type:singular')).toEqual(['every_order_has_a_customer', 'order_totals_not_negative']);
    expect(await names('test_type:generic')).toHaveLength(12);
    expect(await names('test_type:data')).toHaveLength(14);
  });
});

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture('data-tests');
    wh = createWarehouse(kind);
    await wh.attach(dir);
    await wh.sql(RAW_SQL);
  });

  afterEach(async () => {
    await wh.dispose();
  });

  const insertOrders = (...rows: string[]) => wh.sql(`insert into raw.orders values ${rows.join(', ')}`);
  const project = () => loadProject({ projectDir: dir });

  async function runTests(options: RunOptions = {}): Promise<Map<string, NodeResult>> {
    await run(await project(), {});
    const result = await test(await project(), options);
    return new Map(result.results.map((r) => [r.name, r]));
  }

  describe('generic tests', () => {
    it('compile under their YAML file against the target relation', async () => {
      const results = await runTests();
      expect(results.get(ACCEPTED)!.compiledPath).toBe('target/compiled/dq/models/schema.yml/accepted_values_orders_8b08a2e3c7880954e0d6e0b54536f6b3.sql');
      const compiled = readFileSync(path.join(dir, results.get('not_null_orders_order_id')!.compiledPath!), 'utf8');
      expect(compiled).toContain('from "main"."orders"');
      expect(compiled).toContain('where order_id is null');
    });

    it('all pass on clean data (one warns by design), each fails on the rows it guards against', async () => {
      const clean = await runTests();
      expect(statuses(clean)).toMatchObject({ unique_orders_order_id: 'pass', not_null_orders_order_id: 'pass', [ACCEPTED]: 'pass', [RELATIONSHIPS]: 'pass', source_unique_raw_customers_id: 'pass', unique_customers_id: 'pass', positive_amount_orders_amount: 'pass' });
      expect([...clean.values()].filter((r) => r.status !== 'pass').map((r) => r.name)).toEqual(['status_completed_limited']);

      await insertOrders(`(1, 99, 'lost', 5)`, `(null, 2, 'shipped', 5)`);
      await wh.sql(`insert into raw.customers values (3, 'Alan again')`);
      const bad = await runTests();
      for (const name of ['unique_orders_order_id', 'not_null_orders_order_id', ACCEPTED, RELATIONSHIPS, 'source_unique_raw_customers_id', 'unique_customers_id']) {
        expect(bad.get(name), name).toMatchObject({ status: 'fail', failures: 1 });
        expect(bad.get(name)!.message.split('\n')[0]).toBe('Got 1 result, configured to fail if != 0');
      }
      expect(bad.get('not_null_customers_id')!.status).toBe('pass');
      // run_results.json carries the counts as dbt's does.
      const runResults = JSON.parse(readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8')) as { results: Array<{ unique_id: string; status: string; failures: number | null }> };
      expect(runResults.results.find((r) => r.unique_id === 'test.dq.unique_customers_id.70f3d3fd20')).toMatchObject({ status: 'fail', failures: 1 });
    });

    it('severity warn turns a failure into a warning; the run still succeeds', async () => {
      await insertOrders(`(9, null, 'completed', 5)`);
      await run(await project());
      const result = await test(await project(), { select: 'orders' });
      const r = result.results.find((x) => x.name === 'not_null_orders_customer_id')!;
      expect(r).toMatchObject({ status: 'warn', failures: 1, message: 'Got 1 result, configured to warn if != 0' });
      expect(result.success).toBe(true);
    });

    it('warn_if / error_if thresholds (a custom generic test from tests/generic/)', async () => {
      await insertOrders(`(10, 1, 'completed', -1)`);
      expect((await runTests()).get('positive_amount_orders_amount')).toMatchObject({ status: 'pass', failures: 1 });
      await insertOrders(`(11, 1, 'completed', 0)`);
      expect((await runTests()).get('positive_amount_orders_amount')).toMatchObject({ status: 'warn', failures: 2, message: 'Got 2 results, configured to warn if >1' });
      await insertOrders(`(12, 1, 'completed', -3)`);
      expect((await runTests()).get('positive_amount_orders_amount')).toMatchObject({ status: 'fail', failures: 3, message: 'Got 3 results, configured to fail if >2' });
    });

    it('where: filters the tested model in a subquery', async () => {
      // The clean data has a placed order without an amount: filtered out.
      let results = await runTests();
      expect(results.get('not_null_orders_amount')!.status).toBe('pass');
      const compiled = readFileSync(path.join(dir, results.get('not_null_orders_amount')!.compiledPath!), 'utf8');
      expect(compiled).toContain(`from (select * from "main"."orders" where status <> 'placed') dbt_subquery`);
      await insertOrders(`(10, 1, 'completed', null)`);
      results = await runTests();
      expect(results.get('not_null_orders_amount')).toMatchObject({ status: 'fail', failures: 1 });
    });

    it('limit caps the failing rows counted', async () => {
      // Three statuses other than `completed` (placed, shipped, returned), counted up to 2.
      expect((await runTests()).get('status_completed_limited')).toMatchObject({ status: 'warn', failures: 2 });
      await insertOrders(`(10, 1, 'lost', 1)`, `(11, 1, 'stolen', 1)`);
      expect((await runTests()).get('status_completed_limited')).toMatchObject({ status: 'warn', failures: 2 });
    });

    it('store_failures keeps the failing rows in <schema>_dbt_test__audit, replaced on every run', async () => {
      await insertOrders(`(10, 98, 'completed', 1)`, `(11, 99, 'completed', 1)`);
      const failed = await runTests();
      const audit = `main_dbt_test__audit.${RELATIONSHIPS}`;
      expect(failed.get(RELATIONSHIPS)!.message).toContain(`See test failures: select * from "main_dbt_test__audit"."${RELATIONSHIPS}"`);
      expect(await wh.sql(`select from_field from ${audit} order by 1`)).toEqual([{ from_field: 98 }, { from_field: 99 }]);
      // Not configured, not stored.
      expect(await wh.relations('main_dbt_test__audit')).toEqual([{ name: RELATIONSHIPS, kind: 'table' }]);

      await wh.sql('delete from raw.orders where customer_id = 99');
      await runTests();
      expect(await wh.sql(`select from_field from ${audit} order by 1`)).toEqual([{ from_field: 98 }]);

      // --store-failures for every test: not_null keeps whole rows then.
      await insertOrders(`(null, 1, 'shipped', 3)`);
      const flagged = await runTests({ storeFailures: true });
      expect(flagged.get('not_null_orders_order_id')!.status).toBe('fail');
      expect(await wh.sql('select * from main_dbt_test__audit.not_null_orders_order_id')).toEqual([{ order_id: null, customer_id: 1, status: 'shipped', amount: 3 }]);
      expect(await wh.sql('select count(*) as n from main_dbt_test__audit.unique_orders_order_id')).toEqual([{ n: 0 }]);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('a project test macro overrides the built-in one', async () => {
      writeFileSync(path.join(dir, 'tests', 'generic', 'unique.sql'), '{% test unique(model, column_name) %}select 1 as never where false{% endtest %}\n');
      await insertOrders(`(1, 1, 'completed', 5)`);
      expect((await runTests()).get('unique_orders_order_id')!.status).toBe('pass');
    });
  });

  describe('singular tests', () => {
    it('fail on the rows they return', async () => {
      expect(statuses(await runTests())).toMatchObject({ every_order_has_a_customer: 'pass', order_totals_not_negative: 'pass' });
      await insertOrders(`(10, 42, 'completed', -500)`);
      const results = await runTests();
      expect(results.get('every_order_has_a_customer')).toMatchObject({ status: 'fail', failures: 1, compiledPath: 'target/compiled/dq/tests/every_order_has_a_customer.sql' });
      expect(results.get('order_totals_not_negative')).toMatchObject({ status: 'warn', failures: 1 });
    });
  });

  describe('selection', () => {
    it('`test --select <model>` runs the tests attached to it (and no models)', async () => {
      await run(await project());
      const result = await test(await project(), { select: 'customers' });
      expect(result.results.map((r) => r.name).sort()).toEqual(['customers_from_source_csv', 'every_order_has_a_customer', 'not_null_customers_id', RELATIONSHIPS, 'unique_customers_id']);
    });
  });

  describe('build', () => {
    it('a failing error-severity test skips what is downstream of the tested model; a warning does not', async () => {
      await insertOrders(`(1, 1, 'completed', 5)`);
      let result = await build(await project());
      let byName = new Map(result.results.map((r) => [r.name, r]));
      // orders is a table: with audit before publish its failing error-severity test stops it from being published.
      expect(byName.get('orders')!.status).toBe('error');
      expect(byName.get('orders')!.message).toContain('unique_orders_order_id: Got 1 result');
      expect(byName.get('unique_orders_order_id')!.status).toBe('skipped');
      expect(byName.get('order_totals')).toMatchObject({ status: 'skipped' });
      expect(byName.get('order_totals')!.message).toMatch(/upstream `.*` did not succeed/);
      expect(byName.get('unique_order_totals_customer_id')!.status).toBe('skipped');
      expect(byName.get('customers')!.status).toBe('success');
      expect(result.success).toBe(false);
      expect(await wh.relations()).toEqual([{ name: 'customers', kind: 'table' }]);
      expect(await wh.leftovers()).toEqual([]);

      await wh.sql(['delete from raw.orders where id = 1 and amount = 5', `insert into raw.orders values (9, null, 'completed', 5)`]);
      result = await build(await project());
      byName = new Map(result.results.map((r) => [r.name, r]));
      expect(byName.get('not_null_orders_customer_id')!.status).toBe('warn');
      expect(byName.get('order_totals')!.status).toBe('success');
      expect(result.success).toBe(true);
      expect(await wh.sql('select customer_id, total, n from main.order_totals order by customer_id nulls last')).toEqual([
        { customer_id: 1, total: 30, n: 2 },
        { customer_id: 2, total: 30, n: 1 },
        { customer_id: 3, total: null, n: 1 },
        { customer_id: null, total: 5, n: 1 },
      ]);
    });

    it('unit tests run before their model; a failing one skips it', async () => {
      writeFileSync(path.join(dir, 'models', 'wrong.yml'), "unit_tests:\n  - name: wrong_total\n    model: order_totals\n    given:\n      - input: ref('orders')\n        rows: [{customer_id: 1, amount: 2}]\n    expect:\n      rows: [{customer_id: 1, total: 3}]\n");
      let result = await build(await project());
      const byName = new Map(result.results.map((r) => [r.name, r]));
      expect(byName.get('wrong_total')!.status).toBe('fail');
      expect(byName.get('order_totals')!.status).toBe('skipped');
      expect(byName.get('totals_per_customer')!.status).toBe('pass');

      // In order: the model's parents, its unit tests, the model.
      rmSync(path.join(dir, 'models', 'wrong.yml'));
      result = await build(await project(), { threads: 1 });
      const names = result.results.map((r) => r.name);
      expect(names.indexOf('orders')).toBeLessThan(names.indexOf('totals_per_customer'));
      expect(names.indexOf('totals_per_customer')).toBeLessThan(names.indexOf('order_totals'));
      expect(result.success).toBe(true);
    });
  });

  describe('unit tests', () => {
    const userTables = `select table_schema, table_name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`;

    it('pass on matching rows (order-insensitive, only the expected columns), inputs typed from the real relations, nothing written', async () => {
      await run(await project());
      const before = await wh.sql(userTables);
      expect(before).toEqual([
        { table_schema: 'main', table_name: 'customers' },
        { table_schema: 'main', table_name: 'order_totals' },
        { table_schema: 'main', table_name: 'orders' },
        { table_schema: 'raw', table_name: 'customers' },
        { table_schema: 'raw', table_name: 'orders' },
      ]);
      const result = await test(await project(), { select: 'test_type:unit' });
      expect(result.results.map((r) => [r.name, r.status, r.message]).sort()).toEqual([
        ['customers_from_source_csv', 'pass', 'PASS'],
        ['totals_per_customer', 'pass', 'PASS'],
      ]);
      expect(await wh.sql(userTables)).toEqual(before);
    });

    it('type CSV input from the real columns: a value that does not fit is an error, not a silent text comparison', async () => {
      await run(await project());
      writeFileSync(
        path.join(dir, 'models', 'typed.yml'),
        ['unit_tests:', '  - name: customers_bad_id', '    model: customers', '    given:', "      - input: source('raw', 'customers')", '        format: csv', '        rows: |', '          id,name', '          seven,Barbara', '    expect:', '      rows: [{id: 7}]', ''].join('\n'),
      );
      const result = await test(await project(), { select: 'customers_bad_id' });
      // raw.customers.id is an integer column on both engines: casting 'seven' to it fails (each engine words it its own way).
      expect(result.results[0]!.status).toBe('error');
      expect(result.results[0]!.message).toMatch(/seven/);
    });

    it('cast inputs to the relation’s declared types (varchar(n), decimal(p,s), date); diffs show the same values on every engine', async () => {
      await wh.sql(`create table raw.payments as select cast(order_id as integer) as order_id, cast(amount as decimal(10,2)) as amount, cast(method as varchar(20)) as method, cast(paid_on as date) as paid_on
        from (values (1, 10.25, 'card', '2024-01-02')) v(order_id, amount, method, paid_on)`);
      expect(await wh.columns('payments', 'raw')).toEqual([
        { name: 'order_id', type: 'integer' },
        { name: 'amount', type: 'decimal(10,2)' },
        { name: 'method', type: 'varchar' },
        { name: 'paid_on', type: 'date' },
      ]);
      writeFileSync(path.join(dir, 'models', 'payment_summary.sql'), "select method, sum(amount) as total, min(paid_on) as first_paid, count(*) as n\nfrom {{ source('raw_extra', 'payments') }}\ngroup by method\n");
      const given = ['    given:', "      - input: source('raw_extra', 'payments')", '        format: csv', '        rows: |', '          order_id,amount,method,paid_on', '          1,10.25,card,2024-01-05', '          2,10.25,card,2024-01-02', '          3,0.5,cash,2024-02-29'];
      writeFileSync(
        path.join(dir, 'models', 'payments.yml'),
        [
          'sources:',
          '  - name: raw_extra',
          '    schema: raw',
          '    tables: [{name: payments}]',
          'unit_tests:',
          '  - name: payment_totals',
          '    model: payment_summary',
          ...given,
          '    expect:',
          '      rows:',
          "        - {method: card, total: 20.5, first_paid: '2024-01-02', n: 2}",
          "        - {method: cash, total: 0.50, first_paid: '2024-02-29', n: 1}",
          '  - name: payment_totals_wrong',
          '    model: payment_summary',
          ...given,
          '    expect:',
          '      rows:',
          "        - {method: card, total: 20.25, first_paid: '2024-01-05'}",
          "        - {method: cash, total: 0.5, first_paid: '2024-02-29'}",
          '',
        ].join('\n'),
      );
      const result = await test(await project(), { select: 'payment_summary' });
      const byName = new Map(result.results.map((r) => [r.name, r]));
      expect(byName.get('payment_totals')).toMatchObject({ status: 'pass', message: 'PASS' });
      expect(byName.get('payment_totals_wrong')).toMatchObject({ status: 'fail', failures: 2 });
      expect(byName.get('payment_totals_wrong')!.message.split('\n')).toEqual([
        'actual differs from expected: 1 expected row missing, 1 unexpected row (1 row match)',
        '(+ expected, - actual)',
        '  method | total | first_paid',
        '+ card   | 20.25 | 2024-01-05',
        '- card   | 20.5  | 2024-01-02',
      ]);
    });

    it('also run before anything is built (types inferred from the rows)', async () => {
      const result = await test(await project(), { select: 'test_type:unit' });
      expect(result.results.map((r) => r.status)).toEqual(['pass', 'pass']);
    });

    it('a failing unit test shows a row diff: + expected, - actual', async () => {
      writeFileSync(
        path.join(dir, 'models', 'wrong.yml'),
        ['unit_tests:', '  - name: totals_wrong', '    model: order_totals', '    given:', "      - input: ref('orders')", '        format: csv', '        rows: |', '          order_id,customer_id,amount', '          1,1,10', '          2,1,5', '          3,2,1', '    expect:', '      rows:', '        - {customer_id: 1, total: 16, n: 2}', '        - {customer_id: 2, total: 1, n: 1}', ''].join('\n'),
      );
      await run(await project());
      const result = await test(await project(), { select: 'totals_wrong' });
      expect(result.results[0]).toMatchObject({ status: 'fail', failures: 2 });
      expect(result.results[0]!.message.split('\n')).toEqual([
        'actual differs from expected: 1 expected row missing, 1 unexpected row (1 row match)',
        '(+ expected, - actual)',
        '  customer_id | total | n',
        '+ 1           | 16    | 2',
        '- 1           | 15    | 2',
      ]);
    });

    it('overrides (vars, macros), `format: sql` inputs, `this` and CSV fixture files', async () => {
      writeFileSync(
        path.join(dir, 'models', 'big_orders.sql'),
        "select order_id, amount from {{ ref('orders') }} where amount >= {{ var('min_amount', 100) }}\n{% if is_incremental() %}and order_id > (select max(order_id) from {{ this }}){% endif %}\n",
      );
      mkdirSync(path.join(dir, 'tests', 'fixtures'), { recursive: true });
      writeFileSync(path.join(dir, 'tests', 'fixtures', 'big_orders_existing.csv'), 'order_id,amount\n2,10\n');
      writeFileSync(
        path.join(dir, 'models', 'big.yml'),
        [
          'unit_tests:',
          '  - name: big_orders_incremental',
          '    model: big_orders',
          '    overrides:',
          '      vars: {min_amount: 10}',
          '      macros: {is_incremental: true}',
          '    given:',
          "      - input: ref('orders')",
          '        format: sql',
          '        rows: select 1 as order_id, 5 as amount union all select 2, 10 union all select 3, 50 union all select 4, 9',
          '      - input: this',
          '        format: csv',
          '        fixture: big_orders_existing',
          '    expect:',
          '      rows: [{order_id: 3}]',
          '',
        ].join('\n'),
      );
      const result = await test(await project(), { select: 'big_orders_incremental' });
      expect(result.results.map((r) => [r.name, r.status, r.message])).toEqual([['big_orders_incremental', 'pass', 'PASS']]);
    });

    it('an input the model reads but the test does not give is a clear error', async () => {
      writeFileSync(path.join(dir, 'models', 'wrong.yml'), 'unit_tests:\n  - name: no_inputs\n    model: order_totals\n    given: []\n    expect:\n      rows: []\n');
      const result = await test(await project(), { select: 'no_inputs' });
      expect(result.results[0]!.status).toBe('error');
      expect(result.results[0]!.message).toContain("reads ref('orders'), which has no `given` input");
    });
  });

  describe('CLI', () => {
    it('exits 0 when tests only warn, 1 when one fails, and points at the compiled SQL', async () => {
      expect(tsdbt(['run', '--project-dir', dir]).code).toBe(0);
      let r = tsdbt(['test', '--project-dir', dir]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`on target test (${kind})`);
      expect(r.stdout).toMatch(/WARN\s+test\s+status_completed_limited 2 failing rows/);
      expect(r.stdout).toContain('Got 2 results, configured to warn if != 0');

      await insertOrders(`(1, 1, 'completed', 5)`);
      expect(tsdbt(['run', '--project-dir', dir]).code).toBe(0);
      r = tsdbt(['test', '--project-dir', dir, '--select', 'orders']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/FAIL\s+test\s+unique_orders_order_id 1 failing row/);
      expect(r.stdout).toContain('compiled SQL: target/compiled/dq/models/schema.yml/unique_orders_order_id.sql');
      expect(existsSync(path.join(dir, 'target/compiled/dq/models/schema.yml/unique_orders_order_id.sql'))).toBe(true);
    });
  });
});
