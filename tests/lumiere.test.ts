// examples/lumiere end to end at 50,000 rows: the main job generates the data, builds the project
// through the library (seeds, silver, gold, snapshot, generic and singular tests), and the gold
// tables recover what the generator injected. A second run exercises the incremental path.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NodeResult } from '@tsdbt/core';
import { generate } from '../examples/lumiere/generate/generate.mjs';
import { generatedWith, runMain, type MainResult } from '../examples/lumiere/scripts/main.mjs';
import { duckdb, repoRoot } from './support/project.js';

const ROWS = 50_000;
const GENERATED = new Set(['raw_customers.csv', 'raw_payments.csv', 'injected_findings.csv']);
const SINGULAR = [
  'assert_legacy_failure_rate_recovered',
  'assert_modern_failure_rate_recovered',
  'assert_leakage_matches_injected',
  'assert_leakage_components_reconcile',
  'assert_no_payments_lost',
  'assert_churn_matches_injected',
  'assert_tenure_risk_matches_injected',
  'assert_legacy_migrates_first',
];

let dir: string;
let db: string;
let first: MainResult;
const log: string[] = [];

/** injected_findings.csv as metric → segment → value, read in JS (independently of the SQL). */
function findings(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const line of readFileSync(path.join(dir, 'seeds', 'injected_findings.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [metric, segment, value] = line.split(',') as [string, string, string];
    if (!out.has(metric)) out.set(metric, new Map());
    out.get(metric)!.set(segment, value);
  }
  return out;
}

const statusOf = (results: NodeResult[]) => Object.fromEntries(results.map((r) => [r.name, r.status]));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-lumiere-'));
  // The project as checked in: no generated data, database, target/ or node_modules.
  cpSync(path.join(repoRoot, 'examples', 'lumiere'), dir, {
    recursive: true,
    filter: (src) => {
      const base = path.basename(src);
      return !GENERATED.has(base) && !/\.duckdb(\.wal)?$/.test(base) && base !== 'target' && base !== 'node_modules';
    },
  });
  db = path.join(dir, 'lumiere.duckdb');
  first = await runMain({ projectDir: dir, rows: ROWS, seed: 42, log: (l) => log.push(l) });
}, 120_000);

describe('examples/lumiere at 50,000 rows', () => {
  it('generates the data (the copy had none) and builds everything', () => {
    expect(first.regenerated).toBe(true);
    expect(generatedWith(path.join(dir, 'seeds'))).toEqual({ rows: ROWS, seed: 42 });
    expect(readFileSync(path.join(dir, 'seeds', 'raw_payments.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(ROWS + 1);

    const results = first.result.results;
    const bad = results.filter((r) => r.status !== 'success' && r.status !== 'pass').map((r) => `${r.name}: ${r.status} ${r.message}`);
    expect(bad).toEqual([]);
    expect(first.success).toBe(true);
    const byType = (t: string) => results.filter((r) => r.resourceType === t).map((r) => r.name).sort();
    expect(byType('seed')).toEqual(['gateway_aliases', 'injected_findings', 'plan_prices', 'raw_customers', 'raw_payments']);
    expect(byType('model')).toEqual([
      'dim_subscribers', 'fct_daily_payments', 'fct_gateway_audit', 'fct_gateway_performance_audit', 'fct_retention_audit',
      'fct_revenue_leakage', 'fct_tenure_risk_audit', 'stg_customers', 'stg_subscriptions',
    ]);
    expect(byType('snapshot')).toEqual(['subscription_plans_snapshot']);
    expect(byType('test').length).toBeGreaterThan(60);
  });

  it('passes every singular test that checks the injected findings', () => {
    const status = statusOf(first.result.results);
    for (const name of SINGULAR) expect(status[name], name).toBe('pass');
  });

  it('recovers the failure rates: legacy ≈ 0.60, modern ≈ 0.23, and exactly what was injected', async () => {
    const f = findings();
    const rows = await duckdb(db, 'select gateway_family, sum(failed_payments) / sum(attempts) as rate, sum(attempts) as attempts from gold.fct_gateway_audit group by gateway_family order by gateway_family');
    const rate = Object.fromEntries(rows.map((r) => [r.gateway_family, Number(r.rate)]));
    expect(Math.abs(rate.legacy! - 0.6)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(rate.modern! - 0.23)).toBeLessThanOrEqual(0.02);
    expect(rate.legacy).toBeCloseTo(Number(f.get('failure_rate')!.get('legacy')), 5);
    expect(rate.modern).toBeCloseTo(Number(f.get('failure_rate')!.get('modern')), 5);
    for (const r of rows) expect(Number(r.attempts)).toBe(Number(f.get('attempts')!.get(String(r.gateway_family))));
    // The migration ranking starts with the legacy system.
    const ranked = await duckdb(db, 'select gateway, recommendation from gold.fct_gateway_performance_audit order by migration_rank');
    expect(ranked[0]).toEqual({ gateway: 'Legacy Internal', recommendation: 'migrate first' });
  });

  it('matches expected, collected and lost revenue per plan to the cent', async () => {
    const f = findings();
    const rows = await duckdb(db, 'select plan_tier, billing_cycles, expected_revenue::varchar as expected, collected_revenue::varchar as collected, leakage::varchar as leakage from gold.fct_revenue_leakage order by plan_tier');
    expect(rows.map((r) => r.plan_tier)).toEqual(['Basic', 'Premium', 'Pro']);
    const cents = (v: unknown) => Math.round(Number(v) * 100);
    for (const r of rows) {
      const plan = String(r.plan_tier);
      expect(Number(r.billing_cycles), plan).toBe(Number(f.get('billing_cycles')!.get(plan)));
      expect(cents(r.expected), plan).toBe(cents(f.get('expected_revenue')!.get(plan)));
      expect(cents(r.collected), plan).toBe(cents(f.get('collected_revenue')!.get(plan)));
      expect(cents(r.leakage), plan).toBe(cents(f.get('leakage')!.get(plan)));
    }
    // The report printed the same gold rows.
    expect(first.report.plans!.map((r) => r.plan_tier)).toEqual(['Basic', 'Pro', 'Premium']);
    expect(log.some((l) => l.includes('Revenue leakage per plan'))).toBe(true);
  });

  it('runs again without regenerating: the incremental model appends nothing new, the snapshot keeps its rows', async () => {
    const daily = 'select count(*) as n, sum(attempts) as attempts, sum(failed_payments) as failed, sum(collected_revenue)::varchar as collected from gold.fct_daily_payments';
    const snap = 'select count(*) as n, count(*) filter (where dbt_valid_to is null) as current from snapshots.subscription_plans_snapshot';
    const before = await duckdb(db, daily);
    const snapBefore = await duckdb(db, snap);
    expect(Number(before[0]!.n)).toBeGreaterThan(0);
    const customers = Number(findings().get('generator')!.get('customers'));
    expect(snapBefore[0]).toEqual({ n: customers, current: customers });

    const second = await runMain({ projectDir: dir, rows: ROWS, seed: 42, log: () => {} });
    expect(second.regenerated).toBe(false);
    expect(second.success).toBe(true);
    const status = statusOf(second.result.results);
    expect(Object.values(status).every((s) => s === 'success' || s === 'pass')).toBe(true);
    const inc = second.result.results.find((r) => r.name === 'fct_daily_payments')!;
    // Only the lookback window was recomputed (delete+insert of the last days), not the history.
    expect(inc.message).toMatch(/^INSERT \d+$/);
    expect(inc.rowsAffected!).toBeLessThan(Number(before[0]!.n));
    expect(await duckdb(db, daily)).toEqual(before);
    const snapshot = second.result.results.find((r) => r.name === 'subscription_plans_snapshot')!;
    expect(snapshot.message).toBe('SNAPSHOT 0 new versions, 0 closed');
    expect(await duckdb(db, snap)).toEqual(snapBefore);
  });
});

describe('examples/lumiere generator', () => {
  it('is deterministic for a seed and writes exactly --rows payment lines', async () => {
    const out = (seed: number) => mkdtempSync(path.join(os.tmpdir(), `tsdbt-lumiere-gen-${seed}-`));
    const read = (d: string) => [...GENERATED].map((f) => readFileSync(path.join(d, f), 'utf8'));
    const [a, b, c] = [out(7), out(7), out(8)];
    for (const [d, seed] of [[a, 7], [b, 7], [c, 8]] as const) await generate({ rows: 3_000, seed, out: d });
    expect(read(a)).toEqual(read(b));
    expect(read(a)[1]).not.toEqual(read(c)[1]);
    expect(read(a)[1]!.trimEnd().split('\n')).toHaveLength(3_001);
  });
});
