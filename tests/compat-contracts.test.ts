// Model contracts as dbt builds them, on every adapter: the table is created with the declared
// columns, types, order and constraints, then filled; a row breaking a constraint fails the build and
// leaves the old relation. Also: exposures reached by selection, and docs blocks in the manifest.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { list, loadProject, parse, run } from '@tsdbt/core';
import { copyFixture } from './support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse } from './support/warehouse.js';

const RAW_SQL = [
  'create schema raw',
  "create table raw.customers as select * from (values (1, cast('Ann' as text)), (2, cast('Bo' as text))) t(id, name)",
  "create table raw.orders as select * from (values (10, 1, 5.5, cast('placed' as text)), (11, 2, 7.25, cast('shipped' as text)), (12, 1, 0.0, cast('returned' as text))) t(id, customer_id, amount, status)",
];

const statusOf = (r: { results: Array<{ name: string; status: string }> }) => Object.fromEntries(r.results.map((x) => [x.name, x.status]));
const messageOf = (r: { results: Array<{ name: string; message?: string | undefined }> }, name: string) => r.results.find((x) => x.name === name)?.message ?? '';

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture('compat-contracts');
    wh = createWarehouse(kind);
    await wh.attach(dir);
    await wh.sql(RAW_SQL);
  });

  afterEach(async () => {
    await wh.dispose();
  });

  const count = async (table: string) => Number((await wh.sql(`select count(*) as n from main.${table}`))[0]!.n);
  /** Runs one statement expected to be refused by a constraint; returns the error text. */
  const refused = async (statement: string) => {
    try {
      await wh.sql(statement);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };

  it('creates the table with the declared column order and types, then enforces its constraints', async () => {
    const project = await loadProject({ projectDir: dir });
    const r = await run(project);
    expect(statusOf(r)).toEqual({ customers: 'success', orders: 'success', orders_inc: 'success', customer_names: 'success' });
    // The YAML order (name, customer_id), not the query's.
    expect(await wh.columns('customers')).toEqual([
      { name: 'name', type: 'varchar' },
      { name: 'customer_id', type: 'integer' },
    ]);
    expect((await wh.columns('orders')).map((c) => c.name)).toEqual(['order_id', 'customer_id', 'amount', 'status']);
    expect((await wh.columns('orders')).find((c) => c.name === 'amount')!.type).toBe('decimal(10,2)');
    expect(r.results.find((x) => x.name === 'orders')!.rowsAffected).toBe(3);
    expect(await count('orders')).toBe(3);

    // not_null, primary_key, unique, check: enforced by both warehouses on the built tables.
    expect(await refused("insert into main.customers (name, customer_id) values (null, 3)")).toMatch(/null/i);
    expect(await refused("insert into main.customers (name, customer_id) values ('Cy', 1)")).toMatch(/duplicate|unique|primary/i);
    expect(await refused("insert into main.orders values (20, 1, -1, 'placed')")).toMatch(/check/i);
    expect(await refused("insert into main.orders values (21, 1, 1, 'lost')")).toMatch(/check|orders_known_status/i);
    expect(await refused("insert into main.orders_inc values (10, 1)")).toMatch(/duplicate|unique|primary/i);

    // foreign_key: enforced by Postgres; DuckDB leaves it out with dbt's warning.
    const warnings = project.diagnostics.items.map((d) => d.message);
    const fkWarning = 'The constraint type foreign_key is not supported by duckdb, and will be ignored.';
    if (kind === 'postgres') {
      expect(await refused("insert into main.orders values (22, 99, 1, 'placed')")).toMatch(/foreign key/i);
      expect(warnings.some((w) => w.startsWith('The constraint type'))).toBe(false);
    } else {
      expect(await refused("insert into main.orders values (22, 99, 1, 'placed')")).toBe('accepted');
      expect(warnings.some((w) => w.startsWith(fkWarning))).toBe(true);
    }
    // A view keeps its contract check, and its constraints are ignored with a warning.
    expect(warnings).toContain('model `customer_names` is materialized as view: its constraints are not applied (only tables and incremental models get them)');
  });

  it('fails the build on a row that breaks a constraint, leaving the previous relation', async () => {
    expect((await run(await loadProject({ projectDir: dir }))).success).toBe(true);
    // A second customer with id 1: the primary key refuses it.
    await wh.sql("insert into raw.customers values (1, 'Dup')");
    const r = await run(await loadProject({ projectDir: dir }), { select: 'customers' });
    expect(statusOf(r)['customers']).toBe('error');
    expect(messageOf(r, 'customers')).toMatch(/duplicate|unique|primary/i);
    expect(await wh.sql('select customer_id, name from main.customers order by customer_id')).toEqual([
      { customer_id: 1, name: 'Ann' },
      { customer_id: 2, name: 'Bo' },
    ]);
    expect(await wh.leftovers()).toEqual([]);

    // A negative amount: the column's check refuses it; orders keeps its three rows.
    await wh.sql(["delete from raw.customers where name = 'Dup'", "insert into raw.orders values (13, 2, -4, 'placed')"]);
    const r2 = await run(await loadProject({ projectDir: dir }), { select: 'orders' });
    expect(statusOf(r2)['orders']).toBe('error');
    expect(messageOf(r2, 'orders')).toMatch(/check/i);
    expect(await count('orders')).toBe(3);
    expect(await wh.leftovers()).toEqual([]);
  });

  it('rebuilds contracted tables on a second run (constraints on the temp table do not collide)', async () => {
    expect((await run(await loadProject({ projectDir: dir }))).success).toBe(true);
    await wh.sql("insert into raw.customers values (3, 'Cy')");
    const r = await run(await loadProject({ projectDir: dir }));
    expect(r.success).toBe(true);
    expect(await count('customers')).toBe(3);
    expect(await wh.leftovers()).toEqual([]);
  });

  it('appends to a contracted incremental model, and checks its rows against the constraints', async () => {
    expect((await run(await loadProject({ projectDir: dir }), { select: 'orders_inc' })).success).toBe(true);
    await wh.sql("insert into raw.orders values (13, 2, 3.0, 'placed')");
    const r = await run(await loadProject({ projectDir: dir }), { select: 'orders_inc' });
    expect(r.success).toBe(true);
    expect(await count('orders_inc')).toBe(4);
    // The table keeps its constraints across incremental runs.
    expect(await refused('insert into main.orders_inc values (13, 1)')).toMatch(/duplicate|unique|primary/i);
    await wh.sql("insert into raw.orders values (14, 2, -3.0, 'placed')");
    const r2 = await run(await loadProject({ projectDir: dir }), { select: 'orders_inc' });
    expect(statusOf(r2)['orders_inc']).toBe('error');
    expect(await count('orders_inc')).toBe(4);
  });

  it('requires on_schema_change append_new_columns or fail on an incremental model with a contract', async () => {
    const file = path.join(dir, 'models/orders_inc.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace(", on_schema_change='append_new_columns'", ''));
    const r = await run(await loadProject({ projectDir: dir }), { select: 'orders_inc' });
    expect(statusOf(r)['orders_inc']).toBe('error');
    expect(messageOf(r, 'orders_inc')).toContain('incremental model `orders_inc` has an enforced contract, so its on_schema_change must be `append_new_columns` or `fail`, not `ignore`');
    expect((await wh.relations()).map((x) => x.name)).not.toContain('orders_inc');
  });

  it('runs what an exposure depends on: `+exposure:x` builds its upstream models, `exposure:x+` nothing', async () => {
    const r = await run(await loadProject({ projectDir: dir }), { select: '+exposure:weekly_report' });
    expect(statusOf(r)).toEqual({ customers: 'success', orders: 'success' });
    const r2 = await run(await loadProject({ projectDir: dir }), { select: 'exposure:weekly_report+' });
    expect(r2.results).toEqual([]);
    const r3 = await run(await loadProject({ projectDir: dir }), { select: '+exposure:customer_list' });
    expect(statusOf(r3)).toEqual({ customers: 'success', customer_names: 'success' });
  });

  it('rejects a malformed constraint before building anything', async () => {
    const file = path.join(dir, 'models/schema.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('            expression: "amount >= 0"\n      - name: status', '            name: no_expression\n      - name: status'));
    const r = await run(await loadProject({ projectDir: dir }), { select: 'customers orders' });
    expect(statusOf(r)['orders']).toBe('error');
    expect(messageOf(r, 'orders')).toContain('model `orders`: column `amount`: a check constraint needs an `expression`');
    expect((await wh.relations()).map((x) => x.name)).toEqual(['customers']);
  });
});

describe('exposures in selection, docs blocks in the manifest', () => {
  it('lists exposures reached by graph operators and tags', async () => {
    const project = await loadProject({ projectDir: copyFixture('compat-contracts') });
    const names = async (select: string) => (await list(project, { select })).map((n) => `${n.resourceType}:${n.name}`);
    expect(await names('+exposure:weekly_report')).toEqual(['model:customers', 'model:orders', 'exposure:weekly_report']);
    expect(await names('exposure:weekly_report+')).toEqual(['exposure:weekly_report']);
    expect(await names('tag:reporting')).toEqual(['exposure:weekly_report']);
    expect((await names('customers+')).sort()).toEqual(['exposure:customer_list', 'exposure:weekly_report', 'model:customer_names', 'model:customers', 'model:orders']);
    expect((await list(project, { select: 'customers+', exclude: 'exposure:*' })).map((n) => n.name).sort()).toEqual(['customer_names', 'customers', 'orders']);
  });

  it("writes dbt's docs section: doc.<package>.<name> with the block's text", async () => {
    const project = await loadProject({ projectDir: copyFixture('compat-contracts') });
    const { manifestPath } = await parse(project);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    expect(Object.keys(manifest.docs).sort()).toEqual(['doc.compat_contracts.customers_doc', 'doc.compat_contracts.orders_doc']);
    expect(manifest.docs['doc.compat_contracts.orders_doc']).toEqual({
      name: 'orders_doc',
      resource_type: 'doc',
      package_name: 'compat_contracts',
      path: 'docs.md',
      original_file_path: 'models/docs.md',
      unique_id: 'doc.compat_contracts.orders_doc',
      block_contents: 'One row per **order**, with its customer and amount.',
    });
    expect(manifest.nodes['model.compat_contracts.orders'].description).toBe('One row per **order**, with its customer and amount.');
  });
});
