// Project-file compatibility with dbt, on every adapter: Jinja in dbt_project.yml and sources.yml
// values, legacy path keys, require-dbt-version, flags, `arguments:` on generic tests, model
// contracts, model pre/post hooks and on-run-start / on-run-end.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, list, loadProject, parse, run, seed } from '@tsdbt/core';
import { copyFixture } from './support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse } from './support/warehouse.js';

const RAW_SQL = [
  'create schema raw',
  "create table raw.orders as select * from (values (1, cast('placed' as text)), (2, cast('shipped' as text)), (3, cast('returned' as text))) t(order_id, status)",
  'create schema landing',
  "create table landing.orders as select * from (values (7, cast('placed' as text))) t(order_id, status)",
];

const statusOf = (r: { results: Array<{ name: string; status: string }> }) => Object.fromEntries(r.results.map((x) => [x.name, x.status]));

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture('compat-project');
    wh = createWarehouse(kind);
    await wh.attach(dir);
    await wh.sql(RAW_SQL);
    // The seed the models join (its on-run-start hook creates run_log, emptied again here).
    expect((await seed(await loadProject({ projectDir: dir }))).success).toBe(true);
    await wh.sql('delete from main.run_log');
  });

  afterEach(async () => {
    await wh.dispose();
  });

  it('reads legacy path keys with a deprecation warning, and var() in +enabled yields a boolean', async () => {
    const project = await loadProject({ projectDir: dir });
    expect(project.config.modelPaths).toEqual(['models']);
    expect(project.config.seedPaths).toEqual(['data']);
    const warnings = project.diagnostics.items.map((d) => d.message);
    expect(warnings).toContain('`source-paths` is deprecated: it has been renamed to `model-paths`');
    expect(warnings).toContain('`data-paths` is deprecated: it has been renamed to `seed-paths`');
    expect((project.config.folderConfig.models as any).compat_project.extra['+enabled']).toBe(false);

    const r = await build(project);
    expect(r.success).toBe(true);
    // extra_model is disabled by the var's default; the seed comes from data/.
    expect(Object.keys(statusOf(r))).not.toContain('extra_model');
    expect(statusOf(r)['status_codes']).toBe('success');

    const withExtra = await loadProject({ projectDir: dir, vars: { with_extra: true } });
    expect((withExtra.config.folderConfig.models as any).compat_project.extra['+enabled']).toBe(true);
    const r2 = await run(withExtra, { select: 'extra_model' });
    expect(statusOf(r2)).toEqual({ 'compat_project-on-run-start-0': 'success', 'compat_project-on-run-start-1': 'success', extra_model: 'success', 'compat_project-on-run-end-0': 'success' });
  });

  it('renders env_var() in a source schema', async () => {
    const env = { ...process.env, COMPAT_RAW_SCHEMA: 'landing' };
    const r = await build(await loadProject({ projectDir: dir, env }));
    expect(r.success).toBe(true);
    expect(await wh.sql('select order_id from main.stg_orders')).toEqual([{ order_id: 7 }]);
  });

  it('runs `arguments:`-style generic tests with their config', async () => {
    const r = await build(await loadProject({ projectDir: dir }));
    // 'returned' is not an accepted value, and severity warn comes from `config:`.
    const t = r.results.find((x) => x.name === 'accepted_values_stg_orders_status__placed__shipped')!;
    expect(t.status).toBe('warn');
    expect(t.failures).toBe(1);
    // Past 63 characters dbt keeps the full node name and hashes the alias (`<test>_<model>`[:30] + md5 of the full name, computed with Python).
    const long = r.results.find((x) => x.name === 'accepted_values_order_facts_status__placed__shipped__returned__completed')!;
    expect(long.status).toBe('pass');
    expect(long.uniqueId).toMatch(/^test\.compat_project\.accepted_values_order_facts_status__placed__shipped__returned__completed\.[0-9a-f]{10}$/);
    expect(long.compiledPath).toMatch(/models\/schema\.yml\/accepted_values_order_facts_06e86e323a3299b58206f65729a94550\.sql$/);
  });

  it('runs on-run-start, pre-hooks, post-hooks and on-run-end in order, with `this` and `results`', async () => {
    const r = await run(await loadProject({ projectDir: dir }));
    expect(r.success).toBe(true);
    // operation results come first and last, named as dbt names them.
    expect(r.results.map((x) => x.name)).toEqual(['compat_project-on-run-start-0', 'compat_project-on-run-start-1', 'stg_orders', 'order_facts', 'compat_project-on-run-end-0']);
    expect(r.results[0]!.resourceType).toBe('operation');
    const runResults = JSON.parse(readFileSync(r.runResultsPath, 'utf8'));
    expect(runResults.results.map((x: { unique_id: string }) => x.unique_id)).toContain('operation.compat_project.compat_project-on-run-end-0');
    expect(await wh.sql('select step, n from main.run_log order by seq')).toEqual([
      { step: 'start 1', n: 0 },
      { step: 'pre stg_orders', n: 0 },
      { step: 'post stg_orders', n: 3 },
      { step: 'end stg_orders=success order_facts=success', n: 2 },
    ]);
  });

  it('rolls back the model when its post-hook fails inside the transaction', async () => {
    expect((await run(await loadProject({ projectDir: dir }))).success).toBe(true);
    const file = path.join(dir, 'models/stg_orders.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace("count(*) from {{ this }}", 'count(*) from {{ this }} where no_such_column = 1').replace('o.status, s.label', 'o.status'));
    await wh.sql('delete from main.run_log');
    const r = await run(await loadProject({ projectDir: dir }), { select: 'stg_orders' });
    expect(statusOf(r)['stg_orders']).toBe('error');
    expect(r.results.find((x) => x.name === 'stg_orders')!.message).toMatch(/no_such_column/);
    // The previous relation (with `label`) and no pre-hook row: everything rolled back.
    expect((await wh.columns('stg_orders')).map((c) => c.name)).toEqual(['order_id', 'status', 'label']);
    expect((await wh.sql('select step from main.run_log order by seq')).map((x) => x.step)).toEqual(['start 1', 'end stg_orders=error']);
    expect(await wh.leftovers()).toEqual([]);
  });

  it('runs `transaction: false` hooks outside the transaction: before BEGIN and after COMMIT', async () => {
    const projectFile = path.join(dir, 'dbt_project.yml');
    writeFileSync(
      projectFile,
      readFileSync(projectFile, 'utf8').replace(
        '    +materialized: table\n',
        `    +materialized: table\n    +pre-hook:\n      sql: "insert into {{ target.schema }}.run_log values ((select count(*) from {{ target.schema }}.run_log), 'outside {{ this.identifier }}', 0)"\n      transaction: false\n`,
      ),
    );
    const file = path.join(dir, 'models/stg_orders.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace('from {{ this }}"]', `from {{ this }}", after_commit("insert into {{ target.schema }}.run_log values ((select count(*) from {{ target.schema }}.run_log), 'after {{ this.identifier }}', 0)")]`));
    const r = await run(await loadProject({ projectDir: dir }), { select: 'stg_orders' });
    expect(r.success).toBe(true);
    expect((await wh.sql('select step from main.run_log order by seq')).map((x) => x.step)).toEqual(['start 1', 'outside stg_orders', 'pre stg_orders', 'post stg_orders', 'after stg_orders', 'end stg_orders=success']);

    // A failing build rolls back what ran inside; the hook before BEGIN stays, the one after COMMIT never runs.
    await wh.sql('delete from main.run_log');
    writeFileSync(file, readFileSync(file, 'utf8').replace('o.status, s.label', 'o.status, o.no_such_column'));
    const r2 = await run(await loadProject({ projectDir: dir }), { select: 'stg_orders' });
    expect(statusOf(r2)['stg_orders']).toBe('error');
    expect((await wh.sql('select step from main.run_log order by seq')).map((x) => x.step)).toEqual(['start 1', 'outside stg_orders', 'end stg_orders=error']);
  });

  it('reports a failing on-run-start hook and still runs the nodes (skip_nodes_if_on_run_start_fails: false)', async () => {
    const projectFile = path.join(dir, 'dbt_project.yml');
    writeFileSync(projectFile, readFileSync(projectFile, 'utf8').replace("'start {{ schemas | length }}', 0)", 'oops)'));
    const r = await run(await loadProject({ projectDir: dir }), { select: 'stg_orders' });
    expect(r.success).toBe(false);
    const s = statusOf(r);
    expect(s['compat_project-on-run-start-1']).toBe('error');
    expect(s['stg_orders']).toBe('success');

    writeFileSync(projectFile, readFileSync(projectFile, 'utf8').replace('skip_nodes_if_on_run_start_fails: false', 'skip_nodes_if_on_run_start_fails: true'));
    const r2 = await run(await loadProject({ projectDir: dir }), { select: 'stg_orders' });
    expect(statusOf(r2)['stg_orders']).toBe('skipped');
  });

  it('enforces a contract before building: a mismatch fails the model with a table and keeps the old relation', async () => {
    expect((await run(await loadProject({ projectDir: dir }))).success).toBe(true);
    const file = path.join(dir, 'models/order_facts.sql');
    writeFileSync(file, 'select order_id, cast(order_id * 10 as varchar) as amount, status, 1 as extra from {{ ref(\'stg_orders\') }}\n');
    const r = await run(await loadProject({ projectDir: dir }), { select: 'order_facts' });
    const failed = r.results.find((x) => x.name === 'order_facts')!;
    expect(failed.status).toBe('error');
    expect(failed.message).toContain('has an enforced contract that failed');
    expect(failed.message).toMatch(/\| column_name \| definition_type +\| contract_type \| mismatch_reason +\|/);
    expect(failed.message).toMatch(/\| amount +\| (VARCHAR|CHARACTER VARYING) +\| INT4 +\| data type mismatch +\|/);
    expect(failed.message).toMatch(/\| extra +\| INTEGER +\| +\| missing in contract +\|/);
    expect((await wh.columns('order_facts')).map((c) => `${c.name} ${c.type}`)).toEqual(['order_id integer', 'amount integer', 'status varchar']);

    // Every contracted column needs a data_type.
    const yml = path.join(dir, 'models/schema.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace('        data_type: text\n', ''));
    writeFileSync(file, "select order_id, cast(order_id * 10 as integer) as amount, status from {{ ref('stg_orders') }}\n");
    const r2 = await run(await loadProject({ projectDir: dir }), { select: 'order_facts' });
    expect(r2.results.find((x) => x.name === 'order_facts')!.message).toContain('needs a `data_type` for every column; missing for `status`');
  });
});

describe('require-dbt-version', () => {
  it('accepts a constraint that includes the dbt version tsdbt follows, and rejects one that excludes it', async () => {
    const dir = copyFixture('compat-project');
    const projectFile = path.join(dir, 'dbt_project.yml');
    await expect(loadProject({ projectDir: dir })).resolves.toBeDefined();
    writeFileSync(projectFile, readFileSync(projectFile, 'utf8').replace('[">=1.5.0", "<2.0.0"]', '">=1.10.0"'));
    await expect(loadProject({ projectDir: dir })).rejects.toThrow('project `compat_project` requires dbt >=1.10.0; tsdbt is compatible with dbt 1.9.0');
    await expect(loadProject({ projectDir: dir, versionCheck: false })).resolves.toBeDefined();
  });

  it('warns about unknown flags', async () => {
    const dir = copyFixture('compat-project');
    const projectFile = path.join(dir, 'dbt_project.yml');
    writeFileSync(projectFile, readFileSync(projectFile, 'utf8').replace('send_anonymous_usage_stats: false', 'send_anonymous_usage_stat: false'));
    const p = await loadProject({ projectDir: dir });
    expect(p.diagnostics.items.map((d) => d.message)).toContain('unknown flag `send_anonymous_usage_stat` in `flags:` — did you mean `send_anonymous_usage_stats`?; it is ignored');
  });
});

describe('exposures, semantic models, metrics and saved queries', () => {
  it('are listed by resource type with their dependencies, and written to the manifest', async () => {
    const dir = copyFixture('compat-project');
    const project = await loadProject({ projectDir: dir });
    const exposures = await list(project, { resourceTypes: ['exposure'] });
    expect(exposures.map((n) => [n.selector, n.dependsOn])).toEqual([
      ['exposure:compat_project.weekly_orders_dashboard', ['metric.compat_project.order_count', 'model.compat_project.order_facts', 'source.compat_project.shop.orders']],
    ]);
    expect((await list(project, { resourceTypes: ['metric'] })).map((n) => [n.name, n.dependsOn])).toEqual([
      ['order_count', ['semantic_model.compat_project.orders']],
      ['revenue', ['semantic_model.compat_project.orders']],
      ['revenue_per_order', ['metric.compat_project.order_count', 'metric.compat_project.revenue']],
    ]);
    expect((await list(project, { resourceTypes: ['semantic_model', 'saved_query'] })).map((n) => n.uniqueId)).toEqual(['semantic_model.compat_project.orders', 'saved_query.compat_project.revenue_by_status']);
    expect((await list(project, { select: 'exposure:weekly_orders_dashboard' })).map((n) => n.name)).toEqual(['weekly_orders_dashboard']);
    // Listed, never run: a plain ls lists them after the DAG nodes.
    expect((await list(project)).slice(-7).map((n) => n.resourceType)).toEqual(['test', 'exposure', 'semantic_model', 'metric', 'metric', 'metric', 'saved_query']);

    const { manifestPath } = await parse(project);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    expect(manifest.exposures['exposure.compat_project.weekly_orders_dashboard']).toMatchObject({ type: 'dashboard', maturity: 'high', owner: { name: 'Analytics' }, depends_on: { nodes: ['metric.compat_project.order_count', 'model.compat_project.order_facts', 'source.compat_project.shop.orders'] } });
    expect(Object.keys(manifest.metrics)).toEqual(['metric.compat_project.order_count', 'metric.compat_project.revenue', 'metric.compat_project.revenue_per_order']);
    expect(manifest.metrics['metric.compat_project.revenue'].filter).toBe("{{ Dimension('order_id__status') }} != 'returned'");
    expect(Object.keys(manifest.semantic_models)).toEqual(['semantic_model.compat_project.orders']);
    expect(Object.keys(manifest.saved_queries)).toEqual(['saved_query.compat_project.revenue_by_status']);
    expect(manifest.child_map['model.compat_project.order_facts']).toContain('exposure.compat_project.weekly_orders_dashboard');
  });

  it('fail the parse on a reference to something that does not exist', async () => {
    const dir = copyFixture('compat-project');
    const yml = path.join(dir, 'models/semantic.yml');
    const text = readFileSync(yml, 'utf8');
    writeFileSync(yml, text.replace("- ref('order_facts')", "- ref('order_fact')"));
    await expect(list(await loadProject({ projectDir: dir }), { cache: false })).rejects.toThrow("exposure `weekly_orders_dashboard` depends on a node named `order_fact` which was not found");
    writeFileSync(yml, text.replace('numerator: revenue', 'numerator: revenu'));
    await expect(list(await loadProject({ projectDir: dir }), { cache: false })).rejects.toThrow('metric `revenue_per_order` refers to metric `revenu`, which is not defined');
    writeFileSync(yml, text.replace('metrics: [revenue, order_count]', 'metrics: [revenue, orders_count]'));
    await expect(list(await loadProject({ projectDir: dir }), { cache: false })).rejects.toThrow('saved query `revenue_by_status` refers to metric `orders_count`, which is not defined');
  });
});
