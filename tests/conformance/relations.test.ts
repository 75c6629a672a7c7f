// How models become relations, on every adapter: identifiers quoted everywhere (mixed case, reserved
// words, spaces), long names, views on rebuilt relations (built by tsdbt or not), failed builds that
// leave the previous relation alone, and schemas created on demand by concurrent nodes and runs.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProject, run, type RunResult } from '@tsdbt/core';
import { createWarehouse, WAREHOUSES, type Warehouse } from '../support/warehouse.js';

/** Custom schemas used verbatim, without the target prefix. */
const GENERATE_SCHEMA_NAME = `{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
`;

/** A fresh project in a temp dir: `files` are paths under the project (e.g. `models/a.sql`). */
function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-relations-'));
  writeFileSync(path.join(dir, 'tsdbt_project.yml'), "name: rel\nversion: '1.0.0'\nprofile: rel\nmodels:\n  rel:\n    +materialized: table\n");
  writeFiles(dir, { 'macros/generate_schema_name.sql': GENERATE_SCHEMA_NAME, ...files });
  return dir;
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

const statuses = (r: RunResult) => Object.fromEntries(r.results.map((n) => [n.name, n.status]));

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(() => {
    wh = createWarehouse(kind);
  });
  afterEach(async () => {
    await wh.dispose();
  });

  async function setup(files: Record<string, string>, threads?: number): Promise<void> {
    dir = makeProject(files);
    await wh.attach(dir, { threads });
  }
  const build = async (options: { vars?: Record<string, unknown> } = {}) => run(await loadProject({ projectDir: dir, vars: options.vars }));

  describe('identifiers', () => {
    const files = {
      // Mixed case: only the quoted name finds it on Postgres.
      'models/order_totals.sql': "{{ config(alias='OrderTotals') }}\nselect * from (values (1, 10), (2, 20)) v(id, total)\n",
      // Reserved words, as a model name and as an alias.
      'models/select.sql': "{{ config(materialized='view') }}\nselect id, total * 2 as doubled from {{ ref('order_totals') }}\n",
      'models/order_alias.sql': "{{ config(alias='order') }}\nselect id, doubled from {{ ref('select') }}\n",
      // A schema with a space and an upper-case letter, a name with a space.
      'models/daily.sql': "{{ config(schema='Sales Data', alias='Daily Totals') }}\nselect sum(total) as total from {{ ref('order_totals') }}\n",
      'models/daily_view.sql': "{{ config(schema='Sales Data', materialized='view') }}\nselect total from {{ ref('daily') }}\n",
    };

    it('builds, rebuilds over the existing relations (swap path) and is queryable by the exact quoted names', async () => {
      await setup(files);
      for (let round = 1; round <= 2; round++) {
        const result = await build();
        expect(statuses(result), `run ${round}`).toEqual({ order_totals: 'success', select: 'success', order_alias: 'success', daily: 'success', daily_view: 'success' });
        expect(await wh.sql('select id, total from main."OrderTotals" order by id')).toEqual([
          { id: 1, total: 10 },
          { id: 2, total: 20 },
        ]);
        expect(await wh.sql('select id, doubled from main."select" order by id')).toEqual([
          { id: 1, doubled: 20 },
          { id: 2, doubled: 40 },
        ]);
        expect(await wh.sql('select id, doubled from main."order" order by id')).toEqual([
          { id: 1, doubled: 20 },
          { id: 2, doubled: 40 },
        ]);
        expect(await wh.sql('select total from "Sales Data"."Daily Totals"')).toEqual([{ total: 30 }]);
        expect(await wh.sql('select total from "Sales Data"."daily_view"')).toEqual([{ total: 30 }]);
        expect(await wh.relations('main')).toEqual([
          { name: 'OrderTotals', kind: 'table' },
          { name: 'order', kind: 'table' },
          { name: 'select', kind: 'view' },
        ]);
        expect(await wh.relations('Sales Data')).toEqual([
          { name: 'Daily Totals', kind: 'table' },
          { name: 'daily_view', kind: 'view' },
        ]);
        expect(await wh.leftovers()).toEqual([]);
      }
      expect((await build()).results.map((r) => r.relationName).sort()).toEqual(['"Sales Data"."Daily Totals"', '"Sales Data"."daily_view"', '"main"."OrderTotals"', '"main"."order"', '"main"."select"']);
    });
  });

  describe('long names', () => {
    // 62 characters: fits Postgres's 63-byte limit, but `__tsdbt_tmp` / `__tsdbt_backup` would not.
    const table = 'orders_enriched_with_customer_and_payment_details_by_day_table';
    const view = 'orders_enriched_with_customer_and_payment_details_by_day_views';

    it('builds a table and a view with 62-character names twice, without the temp and backup names colliding', async () => {
      expect(table).toHaveLength(62);
      expect(view).toHaveLength(62);
      await setup({
        [`models/${table}.sql`]: "select * from (values (1, 'a'), (2, 'b')) v(id, name) where id <= {{ var('n', 1) }}\n",
        [`models/${view}.sql`]: `{{ config(materialized='view') }}\nselect id, name from {{ ref('${table}') }}\n`,
      });
      expect(statuses(await build())).toEqual({ [table]: 'success', [view]: 'success' });
      expect(await wh.sql(`select id from main.${view} order by id`)).toEqual([{ id: 1 }]);
      const again = await build({ vars: { n: 2 } });
      expect(statuses(again), JSON.stringify(again.results.map((r) => r.message))).toEqual({ [table]: 'success', [view]: 'success' });
      expect(await wh.sql(`select id, name from main.${view} order by id`)).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]);
      expect(await wh.relations('main')).toEqual([
        { name: table, kind: 'table' },
        { name: view, kind: 'view' },
      ]);
      expect(await wh.leftovers()).toEqual([]);
    });
  });

  describe('views tsdbt did not build', () => {
    const model = (sql: string) => ({ 'models/base_orders.sql': `${sql}\n` });
    const V1 = "select * from (values (1, 'a'), (2, 'b')) v(id, name)";
    const V2 = "select * from (values (1, 'a'), (2, 'b'), (3, 'c')) v(id, name)";

    beforeEach(async () => {
      await setup(model(V1));
      expect(statuses(await build())).toEqual({ base_orders: 'success' });
      // Created outside tsdbt: a view on the model's table, and a view on that view in another schema.
      await wh.sql([
        'create view main.ext_orders as select id, name from main.base_orders',
        'create schema "Reporting"',
        `create view "Reporting"."Ext Names" as select name from main.ext_orders where name <> 'a'`,
      ]);
    });

    it('keep working across a rebuild of the table they read, and see the new rows', async () => {
      writeFiles(dir, model(V2));
      expect(statuses(await build())).toEqual({ base_orders: 'success' });
      expect(await wh.sql('select id, name from main.ext_orders order by id')).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
        { id: 3, name: 'c' },
      ]);
      expect(await wh.sql('select name from "Reporting"."Ext Names" order by name')).toEqual([{ name: 'b' }, { name: 'c' }]);
      expect(await wh.relations('main')).toEqual([
        { name: 'base_orders', kind: 'table' },
        { name: 'ext_orders', kind: 'view' },
      ]);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('on a view model keep working across its rebuild', async () => {
      writeFiles(dir, { 'models/named.sql': "{{ config(materialized='view') }}\nselect id, upper(name) as name from {{ ref('base_orders') }}\n" });
      expect(statuses(await build())).toEqual({ base_orders: 'success', named: 'success' });
      await wh.sql('create view main.ext_named as select name from main.named where id > 1');
      writeFiles(dir, { 'models/named.sql': "{{ config(materialized='view') }}\nselect id, lower(name) as name from {{ ref('base_orders') }}\n", ...model(V2) });
      expect(statuses(await build())).toEqual({ base_orders: 'success', named: 'success' });
      expect(await wh.sql('select name from main.ext_named order by name')).toEqual([{ name: 'b' }, { name: 'c' }]);
      expect(await wh.sql('select name from "Reporting"."Ext Names" order by name')).toEqual([{ name: 'b' }, { name: 'c' }]);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('make the rebuild fail when the new table lacks a column they need, leaving the old table and the views intact', async () => {
      writeFiles(dir, model("select * from (values (1), (2), (3)) v(id)"));
      const result = await build();
      expect(statuses(result)).toEqual({ base_orders: 'error' });
      expect(result.results[0]!.message).toContain('view "main"."ext_orders", which is built on "main"."base_orders", would break on the new relation');
      expect(await wh.sql('select id, name from main.base_orders order by id')).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]);
      expect(await wh.sql('select id, name from main.ext_orders order by id')).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]);
      expect(await wh.sql('select name from "Reporting"."Ext Names" order by name')).toEqual([{ name: 'b' }]);
      expect(await wh.leftovers()).toEqual([]);
    });
  });

  describe('view models on a table model', () => {
    const V1 = {
      'models/base.sql': "select * from (values (1, 'a'), (2, 'b')) v(id, name)\n",
      'models/names.sql': "{{ config(materialized='view') }}\nselect id, name from {{ ref('base') }}\n",
    };
    // The column is renamed in the table and in the view that reads it, in one change.
    const V2 = {
      'models/base.sql': "select * from (values (1, 'a'), (2, 'b'), (3, 'c')) v(id, label)\n",
      'models/names.sql': "{{ config(materialized='view') }}\nselect id, label from {{ ref('base') }}\n",
    };

    it('rebuild together when the view changes with the table in the same run', async () => {
      await setup(V1);
      expect(statuses(await build())).toEqual({ base: 'success', names: 'success' });
      writeFiles(dir, V2);
      const result = await build();
      expect(statuses(result), JSON.stringify(result.results.map((r) => r.message))).toEqual({ base: 'success', names: 'success' });
      expect(await wh.sql('select id, label from main.names order by id')).toEqual([
        { id: 1, label: 'a' },
        { id: 2, label: 'b' },
        { id: 3, label: 'c' },
      ]);
      expect(await wh.relations('main')).toEqual([
        { name: 'base', kind: 'table' },
        { name: 'names', kind: 'view' },
      ]);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('make the table fail when only the table is selected and the view no longer fits it', async () => {
      await setup(V1);
      expect(statuses(await build())).toEqual({ base: 'success', names: 'success' });
      writeFiles(dir, V2);
      const result = await run(await loadProject({ projectDir: dir }), { select: 'base' });
      expect(statuses(result)).toEqual({ base: 'error' });
      expect(result.results[0]!.message).toContain('view "main"."names", which is built on "main"."base", would break on the new relation');
      expect(await wh.sql('select id, name from main.names order by id')).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]);
      expect(await wh.leftovers()).toEqual([]);
    });
  });

  describe('failed builds', () => {
    it('leave the previous table and view with their rows, and no __tsdbt leftovers', async () => {
      await setup({
        'models/t.sql': "select * from (values (1, 'x'), (2, 'y')) v(id, name)\n",
        'models/v.sql': "{{ config(materialized='view') }}\nselect id, name from {{ ref('t') }}\n",
        'models/w.sql': "{{ config(materialized='view') }}\nselect 1 as one\n",
      });
      expect(statuses(await build())).toEqual({ t: 'success', v: 'success', w: 'success' });
      writeFiles(dir, {
        'models/t.sql': "select id, name, no_such_column from (values (1, 'x'), (2, 'y'), (3, 'z')) v(id, name)\n",
        'models/w.sql': "{{ config(materialized='view') }}\nselect no_such_thing as one\n",
      });
      const result = await build();
      expect(statuses(result)).toEqual({ t: 'error', v: 'skipped', w: 'error' });
      expect(result.results.find((r) => r.name === 't')!.message).toMatch(/no_such_column/);
      expect(result.results.find((r) => r.name === 'w')!.message).toMatch(/no_such_thing/);
      expect(await wh.sql('select id, name from main.t order by id')).toEqual([
        { id: 1, name: 'x' },
        { id: 2, name: 'y' },
      ]);
      expect(await wh.sql('select id, name from main.v order by id')).toEqual([
        { id: 1, name: 'x' },
        { id: 2, name: 'y' },
      ]);
      expect(await wh.sql('select one from main.w')).toEqual([{ one: 1 }]);
      expect(await wh.relations('main')).toEqual([
        { name: 't', kind: 'table' },
        { name: 'v', kind: 'view' },
        { name: 'w', kind: 'view' },
      ]);
      expect(await wh.leftovers()).toEqual([]);
    });
  });

  describe('schemas created on demand', () => {
    const schemas = ['s_one', 's_two', 's_three', 's_four'];
    const models = (prefix: string) =>
      Object.fromEntries(
        Array.from({ length: 8 }, (_, i) => [`models/${prefix}${i}.sql`, `{{ config(schema='${schemas[i % 4]}', materialized='${i % 2 ? 'view' : 'table'}') }}\nselect ${i} as n\n`]),
      );

    it('8 models in 4 new schemas with 8 threads all build', async () => {
      await setup(models('m'), 8);
      const result = await build();
      expect(result.results.filter((r) => r.status !== 'success').map((r) => r.message)).toEqual([]);
      expect(result.results).toHaveLength(8);
      for (const [i, schema] of schemas.entries()) {
        expect((await wh.relations(schema)).map((r) => r.name)).toEqual([`m${i}`, `m${i + 4}`]);
        expect(await wh.sql(`select n from ${schema}.m${i + 4}`)).toEqual([{ n: i + 4 }]);
      }
    });

    // Two runs at once into one database: a server warehouse's case (a DuckDB file has one writer process).
    it.runIf(kind === 'postgres')('two concurrent runs creating the same new schemas both succeed', async () => {
      await setup(models('a'), 8);
      const first = dir;
      const second = makeProject(models('b'));
      await wh.attach(second, { threads: 8 });
      for (let attempt = 0; attempt < 3; attempt++) {
        const [a, b] = await Promise.all([run(await loadProject({ projectDir: first })), run(await loadProject({ projectDir: second }))]);
        expect([...a.results, ...b.results].filter((r) => r.status !== 'success').map((r) => r.message)).toEqual([]);
        await wh.sql(schemas.map((s) => `drop schema ${s} cascade`));
      }
    });
  });
});
