// docs generate / serve / lineage on the shop fixture (plus tests and a seed) after a build.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, docsGenerate, lineage, loadProject, serveDocs, type DocsSiteData } from '@tsdbt/core';
import { cliBin, copyFixture, duckdb, repoRoot, SHOP_RAW_SQL, tsdbt } from './support/project.js';

const STG_SCHEMA = `version: 2
models:
  - name: stg_orders
    description: Orders, renamed.
    columns:
      - name: order_id
        description: Primary key.
        data_tests: [unique, not_null]
      - name: status
        data_tests:
          - accepted_values:
              values: ['completed', 'returned', 'placed']
              config:
                severity: warn
`;

let dir: string;
let rendered: DocsSiteData | undefined;

async function shopWithTests(): Promise<string> {
  const d = copyFixture('shop');
  await duckdb(path.join(d, 'shop.duckdb'), SHOP_RAW_SQL);
  writeFileSync(path.join(d, 'models', 'staging', 'stg_schema.yml'), STG_SCHEMA);
  mkdirSync(path.join(d, 'seeds'));
  writeFileSync(path.join(d, 'seeds', 'plans.csv'), 'id,name\n1,basic\n2,pro\n');
  return d;
}

const readJson = (file: string) => JSON.parse(readFileSync(path.join(dir, 'target', file), 'utf8')) as Record<string, any>;

beforeAll(async () => {
  dir = await shopWithTests();
  const project = await loadProject({ projectDir: dir });
  const built = await build(project);
  expect(built.results.filter((r) => r.status !== 'success' && r.status !== 'pass').map((r) => `${r.name}:${r.status}`)).toEqual([
    'accepted_values_stg_orders_status__completed__returned__placed:warn',
  ]);
  const result = await docsGenerate(await loadProject({ projectDir: dir }), {
    render: (data) => {
      rendered = data;
      return `<!doctype html><title>${data.project.name}</title>`;
    },
  });
  expect(result.relations).toBe(9);
  expect(result.indexPath).toBe(path.join(dir, 'target', 'index.html'));
});

describe('docs generate', () => {
  it('writes catalog.json with every relation: kind, columns with types and positions, row counts (views too)', () => {
    const catalog = readJson('catalog.json');
    expect(catalog.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/catalog/v1.json');
    expect(catalog.metadata.tsdbt_schema_version).toBe('https://tsdbt.dev/schemas/catalog/v1.json');
    const summary = (entries: Record<string, any>) =>
      Object.fromEntries(Object.entries(entries).map(([id, e]) => [id, `${e.metadata.type} ${e.metadata.schema}.${e.metadata.name} rows=${e.stats.row_count?.value}`]));
    expect(summary(catalog.nodes)).toEqual({
      'model.shop.stg_orders': 'VIEW staging.stg_orders rows=6',
      'model.shop.stg_customers': 'VIEW staging.stg_customers rows=4',
      'model.shop.stg_payments': 'VIEW staging.stg_payments rows=8',
      'model.shop.fct_orders': 'BASE TABLE marts.orders rows=6',
      'model.shop.dim_customers': 'BASE TABLE marts.dim_customers rows=4',
      'seed.shop.plans': 'BASE TABLE main.plans rows=2',
    });
    expect(summary(catalog.sources)).toEqual({
      'source.shop.raw.orders': 'BASE TABLE raw.orders rows=6',
      'source.shop.raw.customers': 'BASE TABLE raw.customers rows=4',
      'source.shop.raw.payments': 'BASE TABLE raw.payment_events rows=8',
    });
    expect(catalog.nodes['model.shop.stg_orders'].columns).toEqual({
      order_id: { type: 'INTEGER', index: 1, name: 'order_id', comment: null },
      customer_id: { type: 'INTEGER', index: 2, name: 'customer_id', comment: null },
      order_date: { type: 'DATE', index: 3, name: 'order_date', comment: null },
      status: { type: 'VARCHAR', index: 4, name: 'status', comment: null },
    });
    expect(Object.keys(catalog.nodes['model.shop.fct_orders'].columns)).toEqual(['order_id', 'customer_id', 'order_date', 'status', 'credit_card_amount', 'coupon_amount', 'bank_transfer_amount', 'gift_card_amount', 'amount']);
    expect(catalog.nodes['model.shop.fct_orders'].stats.row_count).toMatchObject({ id: 'row_count', value: 6, include: true });
  });

  it('writes manifest.json with every compiled node', () => {
    const manifest = readJson('manifest.json');
    expect(manifest.nodes['model.shop.fct_orders'].compiled_code).toContain('select * from "staging"."stg_orders"');
    expect(manifest.nodes['model.shop.fct_orders'].compiled_code).toContain('__tsdbt__cte__int_order_payments');
    const test = Object.values(manifest.nodes).find((n: any) => n.name === 'not_null_stg_orders_order_id') as any;
    expect(test.compiled_code).toMatch(/order_id is null/);
  });

  it('writes docs-data.json: nodes, edges, columns with docs and types, tests with their last status', () => {
    const data = readJson('docs-data.json') as DocsSiteData;
    expect(rendered).toEqual(data);
    expect(readFileSync(path.join(dir, 'target', 'index.html'), 'utf8')).toBe('<!doctype html><title>shop</title>');
    expect(data.project).toMatchObject({ name: 'shop', target: 'default', adapter: 'duckdb', tsdbtVersion: expect.any(String) });
    const byName = new Map(data.nodes.map((n) => [n.name, n]));
    expect([...byName.keys()].sort()).toEqual([
      'accepted_values_stg_orders_status__completed__returned__placed',
      'dim_customers',
      'fct_orders',
      'int_order_payments',
      'not_null_stg_orders_order_id',
      'plans',
      'raw.customers',
      'raw.orders',
      'raw.payments',
      'stg_customers',
      'stg_orders',
      'stg_payments',
      'unique_stg_orders_order_id',
    ]);
    const edges = data.edges.map(([a, b]) => `${a} -> ${b}`);
    expect(edges).toEqual(expect.arrayContaining(['source.shop.raw.orders -> model.shop.stg_orders', 'model.shop.int_order_payments -> model.shop.fct_orders', 'model.shop.fct_orders -> model.shop.dim_customers']));
    expect(edges).toHaveLength(11);

    const stg = byName.get('stg_orders')!;
    expect(stg).toMatchObject({
      uniqueId: 'model.shop.stg_orders',
      resourceType: 'model',
      folder: 'staging',
      description: 'Orders, renamed.',
      materialization: 'view',
      relationName: '"staging"."stg_orders"',
      rowCount: 6,
      lastRun: { status: 'success', message: 'CREATE VIEW', executionTime: expect.any(Number), completedAt: expect.any(String) },
    });
    expect(stg.columns.slice(0, 2)).toMatchObject([
      { name: 'order_id', description: 'Primary key.', type: 'INTEGER' },
      { name: 'customer_id', description: '', type: 'INTEGER' },
    ]);
    expect(stg.compiledCode).toContain('"raw"."orders"');
    expect(stg.rawCode).toContain("{{ source('raw', 'orders') }}");
    expect(stg.tests.map((t) => `${t.name} ${t.column} ${t.status} ${t.failures}`).sort()).toEqual([
      'accepted_values_stg_orders_status__completed__returned__placed status warn 1',
      'not_null_stg_orders_order_id order_id pass 0',
      'unique_stg_orders_order_id order_id pass 0',
    ]);

    const fct = byName.get('fct_orders')!;
    expect(fct).toMatchObject({ folder: 'marts/finance', relationName: '"marts"."orders"', rowCount: 6, materialization: 'table' });
    expect(fct.tags).toEqual(['marts', 'finance']);
    // Ephemeral: no relation, no row count; its columns come from its SQL.
    const eph = byName.get('int_order_payments')!;
    expect(eph.materialization).toBe('ephemeral');
    expect(eph.relationName).toBeUndefined();
    expect(eph.rowCount).toBeUndefined();
    expect(byName.get('raw.orders')).toMatchObject({ resourceType: 'source', description: 'One row per order.', rowCount: 6, relationName: '"raw"."orders"' });
    expect(byName.get('plans')).toMatchObject({ resourceType: 'seed', materialization: 'seed', rowCount: 2, lastRun: { status: 'success' } });
    expect(byName.get('plans')!.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:INTEGER', 'name:VARCHAR']);
    const test = byName.get('not_null_stg_orders_order_id')!;
    expect(test).toMatchObject({ resourceType: 'test', lastRun: { status: 'pass' }, tests: [] });
    expect(test.compiledCode).toMatch(/order_id is null/);
  });

  it('traces each column to the upstream columns it derives from', () => {
    const data = readJson('docs-data.json') as DocsSiteData;
    const cols = (name: string) => Object.fromEntries(data.nodes.find((n) => n.name === name)!.columns.map((c) => [c.name, c.upstream]));
    expect(cols('stg_orders').customer_id).toEqual([{ node: 'source.shop.raw.orders', column: 'user_id' }]);
    // Through the ephemeral model, which is a node of its own in the graph.
    expect(cols('fct_orders').amount).toEqual([{ node: 'model.shop.int_order_payments', column: 'total_amount' }]);
    expect(cols('int_order_payments').total_amount).toEqual([{ node: 'model.shop.stg_payments', column: 'amount' }]);
    // Joined and aggregated.
    expect(cols('dim_customers').lifetime_value).toEqual([{ node: 'model.shop.fct_orders', column: 'amount' }]);
    expect(data.nodes.filter((n) => n.columnLineageError).map((n) => n.name)).toEqual([]);
  });

  it('writes only the JSON files without a renderer, and lays out bronze/silver/gold of the quickstart', async () => {
    const qs = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-quickstart-'));
    cpSync(path.join(repoRoot, 'examples', 'quickstart'), qs, { recursive: true, filter: (src) => !/\.duckdb|target/.test(path.basename(src)) });
    const project = await loadProject({ projectDir: qs, vars: { customers: 30 } });
    await build(project);
    const result = await docsGenerate(project);
    expect(result.indexPath).toBeUndefined();
    expect(existsSync(path.join(qs, 'target', 'index.html'))).toBe(false);
    const data = JSON.parse(readFileSync(result.dataPath, 'utf8')) as DocsSiteData;
    expect(Object.fromEntries(data.nodes.map((n) => [n.name, `${n.folder}:${n.layer}:${n.rowCount}`]))).toEqual({
      raw_customers: 'bronze:bronze:30',
      raw_payments: 'bronze:bronze:720',
      stg_payments: 'silver:silver:720',
      revenue_by_plan: 'gold:gold:3',
    });
  });

  it('is a CLI command writing the site with @tsdbt/docs-site', () => {
    const r = tsdbt(['docs', 'generate', '--project-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Catalog: 9 relations → .*catalog\.json$/m);
    expect(r.stdout).toMatch(/^Docs for 13 nodes in [\d.]+s → .*index\.html$/m);
    const html = readFileSync(path.join(dir, 'target', 'index.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('fct_orders');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=["']?https?:/i); // self-contained
  });
});

describe('docs lineage', () => {
  it('prints the selected nodes and the edges among them as Mermaid, DOT or JSON', async () => {
    const project = await loadProject({ projectDir: dir });
    expect(await lineage(project, { select: '+fct_orders', exclude: 'raw.customers' })).toBe(
      [
        'flowchart LR',
        '  source_shop_raw_orders[("raw.orders")]',
        '  source_shop_raw_payments[("raw.payments")]',
        '  model_shop_stg_orders["stg_orders"]',
        '  model_shop_stg_payments["stg_payments"]',
        '  model_shop_int_order_payments["int_order_payments"]',
        '  model_shop_fct_orders["fct_orders"]',
        '  source_shop_raw_orders --> model_shop_stg_orders',
        '  source_shop_raw_payments --> model_shop_stg_payments',
        '  model_shop_stg_orders --> model_shop_fct_orders',
        '  model_shop_stg_payments --> model_shop_int_order_payments',
        '  model_shop_int_order_payments --> model_shop_fct_orders',
      ].join('\n'),
    );
    expect(await lineage(project, { select: 'stg_orders+', format: 'dot' })).toBe(
      [
        'digraph lineage {',
        '  rankdir=LR;',
        '  node [shape=box];',
        '  "model.shop.stg_orders" [label="stg_orders"];',
        '  "model.shop.fct_orders" [label="fct_orders"];',
        '  "model.shop.dim_customers" [label="dim_customers"];',
        '  "model.shop.stg_orders" -> "model.shop.fct_orders";',
        '  "model.shop.fct_orders" -> "model.shop.dim_customers";',
        '}',
      ].join('\n'),
    );
    // Tests only when asked for by resource type.
    expect(JSON.parse(await lineage(project, { select: 'source:raw.customers+1', format: 'json' }))).toEqual({
      nodes: [
        { uniqueId: 'source.shop.raw.customers', name: 'raw.customers', resourceType: 'source' },
        { uniqueId: 'model.shop.stg_customers', name: 'stg_customers', resourceType: 'model' },
      ],
      edges: [['source.shop.raw.customers', 'model.shop.stg_customers']],
    });
  });

  it('is a CLI command printing to stdout', () => {
    const r = tsdbt(['docs', 'lineage', '--project-dir', dir, '-s', 'stg_customers+', '--format', 'mermaid']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('flowchart LR\n  model_shop_stg_customers["stg_customers"]\n  model_shop_dim_customers["dim_customers"]\n  model_shop_stg_customers --> model_shop_dim_customers\n');
    const bad = tsdbt(['docs', 'lineage', '--project-dir', dir, '--format', 'svg']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of mermaid, dot, json');
  });
});

describe('docs serve', () => {
  it('serves index.html and the JSON artifacts on loopback, nothing else', async () => {
    const server = await serveDocs(path.join(dir, 'target'), { port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const home = await fetch(server.url);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await home.text()).toBe(readFileSync(path.join(dir, 'target', 'index.html'), 'utf8'));
      const data = await fetch(new URL('docs-data.json', server.url));
      expect(((await data.json()) as DocsSiteData).project.name).toBe('shop');
      expect((await fetch(new URL('catalog.json', server.url))).status).toBe(200);
      for (const p of ['compiled/shop/models/staging/stg_orders.sql', '..%2Ftsdbt_project.yml', '.tsdbt/parse-cache.json']) {
        expect((await fetch(new URL(p, server.url))).status).toBe(404);
      }
    } finally {
      await server.close();
    }
  });

  it('runs from the CLI until Ctrl-C', async () => {
    const child = spawn(process.execPath, [cliBin, '--no-color', 'docs', 'serve', '--project-dir', dir, '--port', '0'], { env: { ...process.env, NO_COLOR: '1' } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /Serving docs at (http:\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect((await fetch(url)).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
