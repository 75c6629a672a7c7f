// Compile-time introspection as dbt has it, on every adapter: run_query, statement/load_result,
// adapter.get_columns_in_relation / get_relation, load_relation, api.Relation.create, graph, execute
// and flags — during `build` (reading a seed built earlier in the same build) and during `compile`,
// which opens a warehouse connection only when some selected model asks the warehouse.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, compile, docsGenerate, loadProject, show, type Adapter, type RunEvent } from '@tsdbt/core';
import { duckdbAdapter } from '@tsdbt/duckdb';
import { postgresAdapter } from '@tsdbt/postgres';
import { copyFixture } from './support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse } from './support/warehouse.js';

const FIXTURE = 'compat-introspection';

const statuses = (results: Array<{ name: string; status: string }>) => Object.fromEntries(results.map((r) => [r.name, r.status]));

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture(FIXTURE);
    wh = createWarehouse(kind);
    await wh.attach(dir);
  });
  afterEach(async () => {
    await wh.dispose();
  });

  async function buildAll(events: RunEvent[] = []) {
    const result = await build(await loadProject({ projectDir: dir }), { onEvent: (e) => events.push(e), cache: false });
    return result;
  }

  it('build: every introspecting model succeeds, reading the seed built earlier in the same build', async () => {
    const events: RunEvent[] = [];
    const result = await buildAll(events);
    expect(statuses(result.results)).toEqual({
      payments: 'success',
      payment_pivot: 'success',
      payment_methods: 'success',
      payments_without_amount: 'success',
      optional_refunds: 'success',
      model_inventory: 'success',
      guarded_count: 'success',
      relation_checks: 'success',
    });

    // run_query → one column per distinct payment method.
    expect(await wh.sql('select * from main.payment_pivot order by order_id')).toEqual([
      { order_id: 1, bank_transfer_amount: 0, coupon_amount: 0, credit_card_amount: 10, gift_card_amount: 0, total_amount: 10 },
      { order_id: 2, bank_transfer_amount: 0, coupon_amount: 5, credit_card_amount: 15, gift_card_amount: 0, total_amount: 20 },
      { order_id: 3, bank_transfer_amount: 20, coupon_amount: 0, credit_card_amount: 0, gift_card_amount: 0, total_amount: 20 },
      { order_id: 4, bank_transfer_amount: 0, coupon_amount: 0, credit_card_amount: 8, gift_card_amount: 2, total_amount: 10 },
    ]);
    // statement + load_result in a macro.
    expect(await wh.sql('select position, payment_method from main.payment_methods order by position')).toEqual([
      { position: 1, payment_method: 'bank_transfer' },
      { position: 2, payment_method: 'coupon' },
      { position: 3, payment_method: 'credit_card' },
      { position: 4, payment_method: 'gift_card' },
    ]);
    // get_columns_in_relation: all columns but `amount`, in the seed's order.
    expect((await wh.columns('payments_without_amount')).map((c) => c.name)).toEqual(['payment_id', 'order_id', 'payment_method']);
    // get_relation → none for a table that does not exist.
    expect(await wh.sql('select refunds_table, refund_count from main.optional_refunds')).toEqual([{ refunds_table: 'missing', refund_count: 0 }]);
    // graph.nodes: models and seeds with their config.
    expect((await wh.sql('select node from main.model_inventory order by node')).map((r) => r['node'])).toEqual([
      'model:guarded_count:table',
      'model:model_inventory:table',
      'model:optional_refunds:table',
      'model:payment_methods:table',
      'model:payment_pivot:table',
      'model:payments_without_amount:table',
      'model:relation_checks:table',
      'seed:payments:seed',
    ]);
    // execute / flags at run time.
    expect(await wh.sql('select payment_rows, command, full_refresh from main.guarded_count')).toEqual([{ payment_rows: 6, command: 'build', full_refresh: false }]);
    // load_relation, api.Relation.create, rows by name and by position.
    expect(await wh.sql('select * from main.relation_checks')).toEqual([{ loaded: 'payments', ghost: 'none', first_method: 'credit_card', second_amount: 5, row_count: 2, column_names: 'payment_method,amount' }]);
  });

  it('parse sees execute = false and run_query returning none; the build sees the query result', async () => {
    const events: RunEvent[] = [];
    await buildAll(events);
    const logs = events.filter((e): e is Extract<RunEvent, { type: 'log' }> => e.type === 'log').map((e) => e.message).filter((m) => m.startsWith('guarded_count'));
    expect(logs).toContain('guarded_count at parse: none');
    expect(logs).toContain('guarded_count at run: table');
    // Logged once per render, not once per replay.
    expect(logs.filter((m) => m === 'guarded_count at run: table')).toHaveLength(1);
  });

  it('a model branches on get_relation once the table exists', async () => {
    await wh.sql(['create schema if not exists main', 'create table main.refunds (id integer)', 'insert into main.refunds values (1), (2)']);
    await buildAll();
    expect(await wh.sql('select refunds_table, refund_count from main.optional_refunds')).toEqual([{ refunds_table: 'found', refund_count: 2 }]);
  });

  it('a side-effecting run_query runs once per model render', async () => {
    await wh.sql(['create schema if not exists main', 'create table main.audit_log (note varchar(20))']);
    writeFileSync(path.join(dir, 'models', 'with_side_effect.sql'), "{% do run_query(\"insert into main.audit_log values ('built')\") %}\n{% set n = run_query('select count(*) as n from main.audit_log').columns[0].values()[0] %}\nselect {{ n }} as seen\n");
    const result = await buildAll();
    expect(statuses(result.results)['with_side_effect']).toBe('success');
    expect(await wh.sql('select count(*) as n from main.audit_log')).toEqual([{ n: 1 }]);
    expect(await wh.sql('select seen from main.with_side_effect')).toEqual([{ seen: 1 }]);
  });

  it('a failing query fails the model, located at the call', async () => {
    writeFileSync(path.join(dir, 'models', 'broken_query.sql'), "select 1 as x\n{% set r = run_query('select * from main.no_such_table') %}\n");
    const result = await buildAll();
    const broken = result.results.find((r) => r.name === 'broken_query')!;
    expect(broken.status).toBe('error');
    expect(broken.message).toMatch(/models\/broken_query\.sql:2:\d+: a query made while rendering failed: .*no_such_table/);
    expect(statuses(result.results)['payment_pivot']).toBe('success');
  });

  it('compile: introspecting models query the warehouse (seed loaded by an earlier build), the others do not need it', async () => {
    await buildAll();
    const result = await compile(await loadProject({ projectDir: dir }), { cache: false });
    const pivot = result.models.find((m) => m.node.name === 'payment_pivot')!;
    expect(pivot.compiledSql).toMatch(/as bank_transfer_amount,[\s\S]*as coupon_amount,[\s\S]*as credit_card_amount,[\s\S]*as gift_card_amount,/);
    const guarded = result.models.find((m) => m.node.name === 'guarded_count')!;
    expect(guarded.compiledSql).toContain("select 6 as payment_rows, 'compile' as command");
    // In DAG order, all of them, and written to target/compiled.
    expect(result.models.map((m) => m.node.name).sort()).toEqual(['guarded_count', 'model_inventory', 'optional_refunds', 'payment_methods', 'payment_pivot', 'payments_without_amount', 'relation_checks']);
    expect(readFileSync(path.join(dir, pivot.compiledPath), 'utf8')).toBe(pivot.compiledSql);
  });

  it('show and docs generate render introspecting models with their connection', async () => {
    await buildAll();
    const project = await loadProject({ projectDir: dir });
    const shown = await show(project, { select: 'payment_pivot', limit: 10 });
    expect(shown.columns.map((c) => c.name)).toEqual(['order_id', 'bank_transfer_amount', 'coupon_amount', 'credit_card_amount', 'gift_card_amount', 'total_amount']);
    expect(shown.rows).toHaveLength(4);
    const docs = await docsGenerate(project, { cache: false });
    const manifest = JSON.parse(readFileSync(docs.manifestPath, 'utf8')) as { nodes: Record<string, { compiled_code: string | null }> };
    expect(manifest.nodes['model.introspection.payment_pivot']!.compiled_code).toContain('as gift_card_amount');
  });

  it('compile connects to the warehouse only when a selected model asks it', async () => {
    let connects = 0;
    const base = kind === 'duckdb' ? duckdbAdapter : postgresAdapter;
    const counting: Adapter = {
      ...base,
      type: base.type,
      createDialect: (c) => base.createDialect(c),
      createIntrospector: (d) => base.createIntrospector(d),
      createDriver: (c, ctx) => {
        const driver = base.createDriver(c, ctx);
        return { connect: () => (connects++, driver.connect()), close: () => driver.close() };
      },
    };
    await buildAll();
    const project = await loadProject({ projectDir: dir });
    // graph, api.Relation.create and execute need no connection.
    const plain = await compile(project, { select: ['model_inventory'], cache: false, adapters: [counting] });
    expect(plain.models[0]!.compiledSql).toContain("('seed:payments:seed')");
    expect(connects).toBe(0);
    await compile(project, { select: ['payment_pivot'], cache: false, adapters: [counting] });
    expect(connects).toBeGreaterThan(0);
  });

  // An unreachable server is a Postgres notion (a DuckDB target is a local file).
  it.runIf(kind === 'postgres')('compile works with an unreachable Postgres target when no selected model introspects', async () => {
    unreachable(dir);
    const project = await loadProject({ projectDir: dir });
    const ok = await compile(project, { select: ['model_inventory'], cache: false });
    expect(ok.models.map((m) => m.node.name)).toEqual(['model_inventory']);
    await expect(compile(project, { select: ['payment_pivot'], cache: false })).rejects.toThrow(/cannot connect/);
  });
});

/** Point the profile at a Postgres server nobody listens on. */
function unreachable(dir: string): void {
  const file = path.join(dir, 'profiles.yml');
  const text = readFileSync(file, 'utf8');
  const profile = /^(\w+):/m.exec(text)![1];
  const output = { type: 'postgres', host: '127.0.0.1', port: 1, user: 'nobody', dbname: 'nowhere', schema: 'main' };
  writeFileSync(file, `${profile}:\n  target: test\n  outputs:\n    test:\n${Object.entries(output).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`).join('\n')}\n`);
}
