// Every example project builds, and its results are what its SQL promises.
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject, run } from '@tsdbt/core';
import { duckdb, repoRoot } from './support/project.js';

describe('examples/quickstart', () => {
  it('builds bronze → silver → gold on the zero-config DuckDB target', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-quickstart-'));
    cpSync(path.join(repoRoot, 'examples', 'quickstart'), dir, { recursive: true, filter: (src) => !/\.duckdb|target/.test(path.basename(src)) });
    const result = await run(await loadProject({ projectDir: dir }));
    expect(result.results.map((r) => `${r.name}:${r.status}`).sort()).toEqual(['raw_customers:success', 'raw_payments:success', 'revenue_by_plan:success', 'stg_payments:success']);
    const rows = await duckdb(path.join(dir, 'quickstart.duckdb'), 'select plan, customers, expected_revenue, collected_revenue, leakage from main.revenue_by_plan order by plan');
    expect(rows.map((r) => r.plan)).toEqual(['basic', 'premium', 'pro']);
    expect(rows.reduce((n, r) => n + Number(r.customers), 0)).toBe(5000);
    for (const r of rows) expect(Number(r.leakage)).toBeCloseTo(Number(r.expected_revenue) - Number(r.collected_revenue), 2);
    // Expected revenue is customers × 24 months × the plan price.
    const price: Record<string, number> = { basic: 15.99, pro: 19.99, premium: 29.99 };
    for (const r of rows) expect(Number(r.expected_revenue)).toBeCloseTo(Number(r.customers) * 24 * price[String(r.plan)]!, 1);
  });
});
