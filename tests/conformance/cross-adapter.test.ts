// The same project built on DuckDB and on Postgres gives the same relations: for every relation
// tsdbt built, the same columns in the same order with the same (canonical) types and the same rows.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject, run } from '@tsdbt/core';
import { copyFixture, SHOP_RAW_SQL } from '../support/project.js';
import { createWarehouse, WAREHOUSES, type Row, type Warehouse, type WarehouseKind } from '../support/warehouse.js';

/** SHOP_RAW_SQL without `create or replace table`, which Postgres lacks. */
const RAW_SQL = SHOP_RAW_SQL.flatMap((s) => {
  const m = /^create or replace table (\S+) as /i.exec(s);
  return m ? [`drop table if exists ${m[1]}`, s.replace(/^create or replace table/i, 'create table')] : [s];
});

interface Built {
  statuses: Record<string, string>;
  relations: Record<string, { columns: Array<{ name: string; type: string }>; rows: Row[] }>;
}

const quote = (id: string) => `"${id.replaceAll('"', '""')}"`;

/** Build the shop fixture on `wh`, then dump every relation the run built. */
async function buildShop(wh: Warehouse): Promise<Built> {
  const dir = copyFixture('shop');
  await wh.attach(dir);
  await wh.sql(RAW_SQL);
  const result = await run(await loadProject({ projectDir: dir }));
  const runResults = JSON.parse(readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8')) as { results: Array<{ unique_id: string; status: string }> };
  const statuses = Object.fromEntries(runResults.results.map((r) => [r.unique_id, r.status]).sort());
  const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { schema: string; alias: string }> };
  const relations: Built['relations'] = {};
  for (const r of result.results) {
    if (r.status !== 'success' || !r.relationName) continue;
    const { schema, alias } = manifest.nodes[r.uniqueId]!;
    const columns = await wh.columns(alias, schema);
    const order = columns.map((_, i) => i + 1).join(', ');
    relations[`${schema}.${alias}`] = { columns, rows: await wh.sql(`select * from ${quote(schema)}.${quote(alias)} order by ${order}`) };
  }
  return { statuses, relations };
}

describe.runIf(WAREHOUSES.includes('duckdb') && WAREHOUSES.includes('postgres'))('shop fixture on DuckDB and on Postgres', () => {
  const warehouses: Warehouse[] = [];
  afterEach(async () => {
    await Promise.all(warehouses.splice(0).map((wh) => wh.dispose()));
  });

  it('builds the same relations with the same columns, types and rows, and the same run statuses', async () => {
    const built = {} as Record<WarehouseKind, Built>;
    for (const kind of ['duckdb', 'postgres'] as const) {
      const wh = createWarehouse(kind);
      warehouses.push(wh);
      built[kind] = await buildShop(wh);
    }
    const { duckdb, postgres } = built;
    expect(Object.keys(duckdb.relations).sort()).toEqual(['marts.dim_customers', 'marts.orders', 'staging.stg_customers', 'staging.stg_orders', 'staging.stg_payments']);
    expect(Object.keys(postgres.relations).sort()).toEqual(Object.keys(duckdb.relations).sort());
    for (const [name, rel] of Object.entries(duckdb.relations)) {
      expect(postgres.relations[name]!.columns, `columns of ${name}`).toEqual(rel.columns);
      expect(rel.rows.length, `rows of ${name}`).toBeGreaterThan(0);
      expect(postgres.relations[name]!.rows, `rows of ${name}`).toEqual(rel.rows);
    }
    expect(postgres.statuses).toEqual(duckdb.statuses);
    expect(Object.values(duckdb.statuses)).toEqual(Array(5).fill('success'));
  });
});
