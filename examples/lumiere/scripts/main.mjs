#!/usr/bin/env node
// The Lumiere main job: generate the data if it is missing, `build` the project through the
// library (seeds → silver → tests → gold → snapshot → tests), then print the revenue-leakage report
// from the gold tables.
//
//   npm run start -w examples/lumiere            # 1.5M rows, seed 42
//   LUMIERE_ROWS=50000 npm run start -w examples/lumiere
//
// Exit codes: 0 built and every test passed, 1 a node failed or a test failed, 2 a project error.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, isTsdbtError, loadProject, show } from '@tsdbt/core';
import { generate } from '../generate/generate.mjs';

export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_ROWS = 1_500_000;
export const DEFAULT_SEED = 42;

/**
 * The rows and seed the CSVs in `seedsDir` were generated with (from injected_findings.csv), or
 * undefined when any generated file is missing.
 * @param {string} seedsDir
 * @returns {{ rows: number, seed: number } | undefined}
 */
export function generatedWith(seedsDir) {
  const files = ['raw_customers.csv', 'raw_payments.csv', 'injected_findings.csv'].map((f) => path.join(seedsDir, f));
  if (!files.every((f) => existsSync(f))) return undefined;
  const found = {};
  for (const line of readFileSync(files[2], 'utf8').split('\n')) {
    const [metric, segment, value] = line.split(',');
    if (metric === 'generator' && (segment === 'rows' || segment === 'seed')) found[segment] = Number(value);
  }
  return Number.isInteger(found.rows) && Number.isInteger(found.seed) ? { rows: found.rows, seed: found.seed } : undefined;
}

class UsageError extends Error {}

const KIND = { seed: 'seed', model: 'model', snapshot: 'snapshot', test: 'test', unit_test: 'unit test' };

/**
 * @typedef {{ generate: number | null, seed: number, models: number, snapshot: number, tests: number, build: number, report: number, total: number, peakRssMb: number }} Timings
 * @param {{ projectDir?: string, rows?: number, seed?: number, log?: (line: string) => void, threads?: number }} [options]
 */
export async function runMain(options = {}) {
  const started = performance.now();
  const projectDir = path.resolve(options.projectDir ?? PROJECT_DIR);
  const rows = options.rows ?? DEFAULT_ROWS;
  const seed = options.seed ?? DEFAULT_SEED;
  const log = options.log ?? ((line) => console.log(line));
  const seedsDir = path.join(projectDir, 'seeds');
  const secs = (ms) => ms / 1000;

  // 1. Data: generate when missing or generated with other settings.
  /** @type {number | null} */
  let generateSeconds = null;
  const have = generatedWith(seedsDir);
  const regenerate = !have || have.rows !== rows || have.seed !== seed;
  if (regenerate) {
    log(`generating ${rows.toLocaleString('en-US')} payment rows (seed ${seed})…`);
    const g = await generate({ rows, seed, out: seedsDir });
    generateSeconds = g.seconds;
    log(`  ${g.rows.toLocaleString('en-US')} payments (${g.duplicates.toLocaleString('en-US')} duplicates), ${g.customers.toLocaleString('en-US')} customers in ${g.seconds.toFixed(2)}s`);
  } else {
    log(`data: seeds/ already holds ${rows.toLocaleString('en-US')} rows generated with seed ${seed}`);
  }

  // 2. Build. New data invalidates the incremental history, so a regeneration rebuilds it in full.
  const project = await loadProject({ projectDir, ...(options.threads ? { threads: options.threads } : {}) });
  const buildStarted = performance.now();
  const pad = (s, n) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
  /** @type {string[]} */
  const failedTests = [];
  let testsPassed = 0;
  let testsWarned = 0;
  const result = await build(project, {
    fullRefresh: regenerate,
    onEvent(e) {
      if (e.type === 'run_started') log(`build: ${e.total} nodes on ${e.adapter} with ${e.threads} threads${regenerate ? ' (full refresh: new data)' : ''}`);
      else if (e.type === 'diagnostic') log(`  warning: ${e.diagnostic.message}`);
      else if (e.type === 'node_finished') {
        const r = e.result;
        if (r.resourceType === 'test' || r.resourceType === 'unit_test') {
          if (r.status === 'pass') testsPassed++;
          else if (r.status === 'warn') testsWarned++, log(`  ! test ${r.name}: ${r.message.split('\n')[0]}`);
          else failedTests.push(r.name), log(`  ✗ test ${r.name} (${r.status}): ${r.message.split('\n')[0]}`);
          return;
        }
        const mark = r.status === 'success' ? '✓' : r.status === 'skipped' ? '-' : '✗';
        const detail =
          r.status !== 'success' ? r.message.split('\n')[0]
          : r.materialization === 'incremental' || r.resourceType === 'snapshot' || r.rowsAffected === undefined ? r.message
          : `${r.rowsAffected.toLocaleString('en-US')} rows`;
        log(`  ${mark} ${pad(KIND[r.resourceType] ?? r.resourceType, 8)} ${pad(r.name, 32)} ${pad(detail, 18)} ${r.executionTime.toFixed(2)}s`);
      }
    },
  });
  const buildSeconds = secs(performance.now() - buildStarted);
  const sum = (type) => result.results.filter((r) => r.resourceType === type).reduce((n, r) => n + r.executionTime, 0);
  log(`  tests: ${testsPassed} passed${testsWarned ? `, ${testsWarned} warned` : ''}${failedTests.length ? `, ${failedTests.length} failed or skipped` : ''}; build ${result.success ? 'succeeded' : 'FAILED'} in ${buildSeconds.toFixed(2)}s`);

  // 3. Report from the gold tables (only when they were published).
  const reportStarted = performance.now();
  /** @type {Record<string, Record<string, unknown>[]>} */
  const report = {};
  if (result.success) {
    const q = async (sql) => (await show(project, { inline: sql, limit: -1 })).rows;
    report.plans = await q("select * from {{ ref('fct_revenue_leakage') }} order by list_price");
    report.gateways = await q("select * from {{ ref('fct_gateway_performance_audit') }} order by migration_rank");
    report.families = await q(
      "select gateway_family, sum(attempts) as attempts, sum(failed_payments) as failed_payments, sum(failed_payments) / sum(attempts) as failure_rate, sum(failed_revenue) as failed_revenue, sum(leakage) as leakage from {{ ref('fct_gateway_audit') }} group by gateway_family order by gateway_family",
    );
    report.retention = await q("select * from {{ ref('fct_retention_audit') }} order by activity_segment");
    report.tenure = await q("select * from {{ ref('fct_tenure_risk_audit') }} order by band_order");
    printReport(report, log);
  } else {
    const failed = result.results.filter((r) => r.status === 'error' || r.status === 'fail');
    for (const r of failed) log(`\nFailed ${r.name} (${r.originalFilePath})\n  ${r.message.split('\n').join('\n  ')}`);
    log(`\nbuild failed: ${failed.length} failed, ${result.results.filter((r) => r.status === 'skipped').length} skipped; no report`);
  }

  /** @type {Timings} */
  const timings = {
    generate: generateSeconds,
    seed: sum('seed'),
    models: sum('model'),
    snapshot: sum('snapshot'),
    tests: sum('test') + sum('unit_test'),
    build: buildSeconds,
    report: secs(performance.now() - reportStarted),
    total: secs(performance.now() - started),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  log(
    `\ntimes: ${generateSeconds === null ? 'generate skipped' : `generate ${generateSeconds.toFixed(2)}s`}, build ${timings.build.toFixed(2)}s ` +
      `(node time: seeds ${timings.seed.toFixed(2)}s, models ${timings.models.toFixed(2)}s, snapshot ${timings.snapshot.toFixed(2)}s, tests ${timings.tests.toFixed(2)}s), ` +
      `report ${timings.report.toFixed(2)}s, total ${timings.total.toFixed(2)}s; peak RSS ${timings.peakRssMb} MB`,
  );
  return { success: result.success, result, report, timings, regenerated: regenerate, project };
}

const usd = (v) => `$${Number(v).toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 })}`;
const pct = (v) => `${(Number(v) * 100).toFixed(1)}%`;
const int = (v) => Number(v).toLocaleString('en-US');

/** A plain text table: right-aligns numbers. */
function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const cell = (v, i) => {
    const s = String(v);
    const padding = ' '.repeat(widths[i] - s.length);
    return /^[-$0-9.,%x]+$/.test(s) ? padding + s : s + padding;
  };
  return [headers.map(cell).join('  '), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => r.map(cell).join('  '))].map((l) => '  ' + l).join('\n');
}

function printReport(report, log) {
  const plans = report.plans;
  const total = (k) => plans.reduce((n, r) => n + Number(r[k]), 0);
  log('\nLumiere Financiers: revenue integrity report');
  log(`\nRevenue leakage per plan (expected = list price × billing cycles)`);
  log(
    table(
      ['plan', 'price', 'cycles', 'expected', 'collected', 'failed', 'under-charged', 'unbilled', 'leakage', 'rate'],
      [
        ...plans.map((r) => [r.plan_tier, `$${Number(r.list_price).toFixed(2)}`, int(r.billing_cycles), usd(r.expected_revenue), usd(r.collected_revenue), usd(r.failed_revenue), usd(r.undercharge_loss), usd(r.unbilled_revenue), usd(r.leakage), pct(r.leakage_rate)]),
        ['total', '', int(total('billing_cycles')), usd(total('expected_revenue')), usd(total('collected_revenue')), usd(total('failed_revenue')), usd(total('undercharge_loss')), usd(total('unbilled_revenue')), usd(total('leakage')), pct(total('leakage') / total('expected_revenue'))],
      ],
    ),
  );
  log('\nFailure rate per gateway family');
  log(table(['family', 'attempts', 'failed', 'failure rate', 'failed revenue', 'leakage'], report.families.map((r) => [r.gateway_family, int(r.attempts), int(r.failed_payments), pct(r.failure_rate), usd(r.failed_revenue), usd(r.leakage)])));
  log('\nGateways, in migration order');
  log(table(['#', 'gateway', 'failure rate', 'failed revenue', 'leakage', 'recoverable', 'recommendation'], report.gateways.map((r) => [r.migration_rank, r.gateway, pct(r.failure_rate), usd(r.failed_revenue), usd(r.leakage), usd(r.recoverable_revenue), r.recommendation])));
  for (const r of report.gateways) log(`  ${r.migration_rank}. ${r.gateway}: ${r.reason}`);
  log('\nChurn by login activity (inactive = no login for over 30 days)');
  log(table(['segment', 'customers', 'churned', 'churn rate', 'monthly revenue lost'], report.retention.map((r) => [r.activity_segment, int(r.customers), int(r.churned_customers), pct(r.churn_rate), usd(r.monthly_revenue_lost)])));
  log('\nFailure rate by tenure');
  log(table(['tenure', 'attempts', 'failure rate', 'failed revenue'], report.tenure.map((r) => [r.tenure_band, int(r.attempts), pct(r.failure_rate), usd(r.failed_revenue)])));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const env = process.env.LUMIERE_ROWS;
    const rows = env === undefined || env === '' ? DEFAULT_ROWS : Number(env);
    if (!Number.isInteger(rows) || rows < 1) throw new UsageError(`LUMIERE_ROWS must be a positive integer, got "${env}"`);
    const { success } = await runMain({ rows });
    process.exitCode = success ? 0 : 1;
  } catch (e) {
    if (isTsdbtError(e)) console.error(`error ${e.format()}`);
    else if (e instanceof UsageError) console.error(`error: ${e.message}`);
    else console.error(e); // a bug: keep the stack
    process.exitCode = 2;
  }
}
