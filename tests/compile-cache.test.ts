// The compiled-SQL cache is reused only while every input is unchanged.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { compile, loadProject } from '@tsdbt/core';
import { copyFixture, tsdbt } from './support/project.js';

let dir: string;
const cacheFile = () => path.join(dir, 'target/.tsdbt/compiled-cache.json');

/** Replace one cached body with a marker, so a reuse of the cache is visible. */
function plantMarker(): void {
  const data = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { entries: Array<[string, { sql: string }]> };
  for (const entry of data.entries) if (entry[0] === 'model.shop.stg_orders') entry[1].sql = 'select 42 as marker';
  writeFileSync(cacheFile(), JSON.stringify(data));
}

async function compiledStgOrders(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { models } = await compile(await loadProject({ projectDir: dir, env }), { select: 'stg_orders' });
  return models[0]!.compiledSql;
}

beforeEach(() => {
  dir = copyFixture('shop');
  const file = path.join(dir, 'models/staging/stg_orders.sql');
  writeFileSync(file, `-- region: {{ env_var('SHOP_REGION', 'eu') }}\n${readFileSync(file, 'utf8')}`);
});

describe('compiled SQL cache', () => {
  it('is reused when nothing changed', async () => {
    expect(await compiledStgOrders()).toContain('-- region: eu');
    plantMarker();
    expect(await compiledStgOrders()).toBe('select 42 as marker');
  });

  it('is dropped when an env var the models read changes', async () => {
    await compiledStgOrders();
    plantMarker();
    expect(await compiledStgOrders({ ...process.env, SHOP_REGION: 'us' })).toContain('-- region: us');
  });

  it('re-renders only the model whose file changed', async () => {
    await compile(await loadProject({ projectDir: dir }));
    plantMarker();
    writeFileSync(path.join(dir, 'models/staging/stg_customers.sql'), "select 1 as customer_id, 'x' as first_name, 'y' as last_name\n");
    const { models } = await compile(await loadProject({ projectDir: dir }));
    const sql = (name: string) => models.find((m) => m.node.name === name)!.compiledSql;
    expect(sql('stg_orders')).toBe('select 42 as marker'); // unchanged: reused
    expect(sql('stg_customers')).toContain("select 1 as customer_id, 'x'");
  });

  it('re-renders a model when a model it refs moves to another schema', async () => {
    await compile(await loadProject({ projectDir: dir }));
    const data = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { entries: Array<[string, { sql: string }]> };
    for (const entry of data.entries) if (entry[0] === 'model.shop.dim_customers') entry[1].sql = 'select 42 as marker';
    writeFileSync(cacheFile(), JSON.stringify(data));
    const props = path.join(dir, 'models/marts/schema.yml');
    writeFileSync(props, readFileSync(props, 'utf8').replace("  - name: fct_orders\n", "  - name: fct_orders\n    config:\n      schema: finance\n"));
    const { models } = await compile(await loadProject({ projectDir: dir }), { select: 'dim_customers' });
    expect(models[0]!.compiledSql).toContain('"finance"."orders"');
  });

  it('is dropped when a macro, a model or --vars change', async () => {
    await compiledStgOrders();
    plantMarker();
    writeFileSync(path.join(dir, 'macros/extra.sql'), '{% macro extra() %}1{% endmacro %}');
    expect(await compiledStgOrders()).toContain('-- region: eu');
    plantMarker();
    const { models } = await compile(await loadProject({ projectDir: dir, vars: { min_order_amount: 5 } }), { select: 'stg_orders' });
    expect(models[0]!.compiledSql).toContain('-- region: eu');
  });
});

describe('volatile templates', () => {
  it('are rendered every time (now(), log(), run_query …), never served from the cache', async () => {
    writeFileSync(path.join(dir, 'models/staging/stamped.sql'), "select '{{ modules.datetime.datetime.now() }}' as compiled_at\n");
    const first = await compile(await loadProject({ projectDir: dir }), { select: 'stamped' });
    await new Promise((r) => setTimeout(r, 20));
    const second = await compile(await loadProject({ projectDir: dir }), { select: 'stamped' });
    expect(second.models[0]!.compiledSql).not.toBe(first.models[0]!.compiledSql);
    expect(readFileSync(cacheFile(), 'utf8')).not.toContain('model.shop.stamped');
  });
});

describe('parse snapshot', () => {
  const snapshotFile = () => path.join(dir, 'target/.tsdbt/parse-snapshot.json');

  it('is reused when nothing changed, and dropped when a file changes', async () => {
    const { parse } = await import('@tsdbt/core');
    await parse(await loadProject({ projectDir: dir }));
    const snap = JSON.parse(readFileSync(snapshotFile(), 'utf8')) as { nodes: Array<{ uniqueId: string; description: string }> };
    snap.nodes.find((n) => n.uniqueId === 'model.shop.dim_customers')!.description = 'from the snapshot';
    writeFileSync(snapshotFile(), JSON.stringify(snap));
    const hit = await parse(await loadProject({ projectDir: dir }));
    expect(hit.parsed.nodes.get('model.shop.dim_customers')!.description).toBe('from the snapshot');
    const props = path.join(dir, 'models/marts/schema.yml');
    writeFileSync(props, readFileSync(props, 'utf8').replace('One row per customer with order totals.', 'Customers.'));
    const miss = await parse(await loadProject({ projectDir: dir }));
    expect(miss.parsed.nodes.get('model.shop.dim_customers')!.description).toBe('Customers.');
  });

  it('is dropped when an env var read while parsing changes (refs built from env_var)', async () => {
    const { parse } = await import('@tsdbt/core');
    writeFileSync(path.join(dir, 'models/marts/union_env.sql'), "{% for m in env_var('UNION_OF', 'stg_orders').split(',') %}select order_id from {{ ref(m) }}{% if not loop.last %} union all {% endif %}{% endfor %}\n");
    const a = await parse(await loadProject({ projectDir: dir, env: { ...process.env, UNION_OF: 'stg_orders' } }));
    expect(a.parsed.graph.inNeighbors('model.shop.union_env')).toEqual(['model.shop.stg_orders']);
    const b = await parse(await loadProject({ projectDir: dir, env: { ...process.env, UNION_OF: 'stg_orders,stg_payments' } }));
    expect(b.parsed.graph.inNeighbors('model.shop.union_env').sort()).toEqual(['model.shop.stg_orders', 'model.shop.stg_payments']);
  });

  it('replays warnings on a hit', async () => {
    const { parse } = await import('@tsdbt/core');
    const file = path.join(dir, 'models/staging/stg_orders.sql');
    writeFileSync(file, "{{ config(materialised='table') }}\n" + readFileSync(file, 'utf8'));
    const warnings: string[] = [];
    const onEvent = (e: { type: string; diagnostic?: { message: string } }) => void (e.type === 'diagnostic' && warnings.push(e.diagnostic!.message));
    await parse(await loadProject({ projectDir: dir }), { onEvent });
    await parse(await loadProject({ projectDir: dir }), { onEvent });
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toContain('did you mean `materialized`?');
  });
});

describe('regressions', () => {
  it('an env var used in properties YAML (a source schema) changes compiled SQL and the manifest', async () => {
    writeFileSync(path.join(dir, 'models/staging/env_src.yml'), "version: 2\nsources:\n  - name: landing\n    schema: \"{{ env_var('RAW_SCHEMA') }}\"\n    tables:\n      - name: t\n");
    writeFileSync(path.join(dir, 'models/staging/from_landing.sql'), "select * from {{ source('landing', 't') }}\n");
    const compileWith = async (schema: string) => {
      const { models } = await compile(await loadProject({ projectDir: dir, env: { ...process.env, RAW_SCHEMA: schema } }), { select: 'from_landing' });
      const manifest = JSON.parse(readFileSync(path.join(dir, 'target/manifest.json'), 'utf8'));
      return [models[0]!.compiledSql, manifest.nodes['model.shop.from_landing'].compiled_code as string];
    };
    expect(await compileWith('one')).toEqual(['select * from "one"."t"', 'select * from "one"."t"']);
    expect(await compileWith('one')).toEqual(['select * from "one"."t"', 'select * from "one"."t"']);
    expect(await compileWith('two')).toEqual(['select * from "two"."t"', 'select * from "two"."t"']);
  });

  it('the manifest follows a volatile model between compiles', async () => {
    writeFileSync(path.join(dir, 'models/staging/stamped.sql'), "select '{{ modules.datetime.datetime.now() }}' as compiled_at\n");
    const code = async () => {
      await compile(await loadProject({ projectDir: dir }), { select: 'stamped' });
      return JSON.parse(readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')).nodes['model.shop.stamped'].compiled_code as string;
    };
    const a = await code();
    await new Promise((r) => setTimeout(r, 20));
    expect(await code()).not.toBe(a);
  });

  it('--no-cache works on a project that was never built', () => {
    const r = tsdbt(['compile', '--no-cache', '--project-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
