// examples/finefinance end to end on PostgreSQL, at a reduced size. Two databases get the same
// generated source: A runs the example's pipeline (generate → freshness → build → KPIs), then
// appends a day and runs it again, twice (the incremental models merge, the snapshot versions
// customers; the first appended day opens a month, the second continues it); B builds the same
// data and appends the same days, and its last build is a --full-refresh.
// A's warehouse must equal B's row for row; statements must reconcile with the source; the advisor
// lists must equal an independent computation on the source.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { build, loadProject, sourceFreshness, type NodeResult, type Project, type RunResult } from '@tsdbt/core';
import { appendDay, generate } from '../examples/finefinance/generate/finefinance-data.mjs';
import { runPipeline, type PipelineResult } from '../examples/finefinance/pipeline.js';
import { createTestDatabase, dropTestDatabase } from './support/pg-admin.js';
import { repoRoot } from './support/project.js';

const SIZE = { customers: 1000, months: 6, seed: 7 };
const MARTS = [
  'dim_customer', 'dim_account', 'dim_date', 'fct_transactions', 'monthly_account_statement', 'statement_lines',
  'advisor_upsell_candidates', 'advisor_budget_support', 'kpi_monthly_growth', 'kpi_customers_per_profile', 'kpi_transactions_by_month',
];

const pgUrl = inject('pgUrl');
const dirs: string[] = [];
const dbs: string[] = [];
let urlA: string;
let urlB: string;
let first: PipelineResult;
let second: PipelineResult;
let third: PipelineResult;
/** Customers whose profile changed on each appended day, read between the runs. */
const changedOn: number[][] = [];
let projectB: Project;
const buildsB: RunResult[] = [];
const log: string[] = [];

/** A copy of the example as checked in (no target/, dist/, node_modules). */
function copyExample(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-finefinance-'));
  dirs.push(dir);
  cpSync(path.join(repoRoot, 'examples', 'finefinance'), dir, {
    recursive: true,
    filter: (src) => !['target', 'dist', 'node_modules'].includes(path.basename(src)),
  });
  return dir;
}

async function query<T extends Record<string, unknown> = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Every row of a relation as text, sorted: equal lists = equal relations (as multisets). */
const rowsOf = (url: string, relation: string) => query<{ r: string }>(url, `select t::text as r from ${relation} as t order by 1`).then((rows) => rows.map((x) => x.r));

const notPassed = (results: NodeResult[]) => results.filter((r) => !['success', 'pass'].includes(r.status)).map((r) => `${r.name}: ${r.status} ${r.message}`);

beforeAll(async () => {
  const a = await createTestDatabase(pgUrl, 'ff_a');
  const b = await createTestDatabase(pgUrl, 'ff_b');
  dbs.push(a.name, b.name);
  urlA = a.url;
  urlB = b.url;

  // A: the pipeline, twice.
  const dirA = copyExample();
  first = await runPipeline({ projectDir: dirA, url: urlA, ...SIZE, log: (l) => log.push(l) });
  const changed = async (day: string) =>
    (await query<{ id: number }>(urlA, `select customer_id as id from app.customers where updated_at::date = '${day}' and created_at::date < '${day}' order by 1`)).map((r) => r.id);
  second = await runPipeline({ projectDir: dirA, url: urlA, append: true, seed: SIZE.seed, log: (l) => log.push(l) });
  changedOn.push(await changed(second.loaded.day!));
  third = await runPipeline({ projectDir: dirA, url: urlA, append: true, seed: SIZE.seed, log: (l) => log.push(l) });
  changedOn.push(await changed(third.loaded.day!));

  // B: the library directly; the last build from scratch.
  projectB = await loadProject({ projectDir: copyExample(), env: { ...process.env, FINEFINANCE_PG_URL: urlB } });
  await generate({ url: urlB, ...SIZE, reset: true });
  buildsB.push(await build(projectB));
  await appendDay({ url: urlB, seed: SIZE.seed });
  buildsB.push(await build(projectB)); // a snapshot sees only the states it is run on: same as A
  await appendDay({ url: urlB, seed: SIZE.seed });
  buildsB.push(await build(projectB, { fullRefresh: true }));
}, 120_000);

afterAll(async () => {
  for (const name of dbs) await dropTestDatabase(pgUrl, name);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('examples/finefinance on PostgreSQL', () => {
  it('runs the pipeline: a full load, then two appended days built incrementally', () => {
    for (const run of [first, second, third]) expect(run.success, log.join('\n')).toBe(true);
    expect(first.loaded.customers).toBe(SIZE.customers);
    expect([second.loaded.day, third.loaded.day]).toEqual(['2026-11-01', '2026-11-02']);
    const message = (r: PipelineResult, name: string) => r.build!.results.find((n) => n.name === name)!.message;
    for (const name of ['fct_transactions', 'statement_lines']) {
      expect(message(first, name)).toMatch(/^SELECT \d+/);
      expect(message(second, name)).toMatch(/^MERGE [1-9]/);
      expect(message(third, name)).toMatch(/^MERGE [1-9]/);
    }
    expect(message(second, 'customers_snapshot')).toMatch(/^SNAPSHOT [1-9]\d* new versions, [1-9]\d* closed/);
    // The KPI report was read back.
    expect(third.kpis!.growth.length).toBe(6);
    expect(third.kpis!.profiles.map((r) => r['profile'])).toEqual(['Bronze', 'Gold', 'Diamond']);
  });

  it('passes every data test, in both warehouses and on both runs', () => {
    for (const result of [first.build!, second.build!, third.build!, ...buildsB]) {
      expect(notPassed(result.results)).toEqual([]);
      expect(result.results.filter((r) => r.resourceType === 'test').length).toBeGreaterThan(80);
    }
  });

  it('gives the same warehouse incrementally (A) as with a full refresh (B), row for row', async () => {
    // No column is excluded: the fact has no load-time column, and the snapshot's meta columns
    // (dbt_scd_id, dbt_updated_at, dbt_valid_from/to) come from updated_at with the timestamp strategy.
    for (const relation of [...MARTS.map((m) => `marts.${m}`), 'snapshots.customers_snapshot']) {
      const [a, b] = await Promise.all([rowsOf(urlA, relation), rowsOf(urlB, relation)]);
      expect(a.length, relation).toBeGreaterThan(0);
      if (a.join('\n') !== b.join('\n')) {
        const inB = new Set(b);
        const inA = new Set(a);
        expect({ relation, onlyInA: a.filter((r) => !inB.has(r)).slice(0, 5), onlyInB: b.filter((r) => !inA.has(r)).slice(0, 5) }).toEqual({ relation, onlyInA: [], onlyInB: [] });
      }
    }
    const [{ n }] = await query<{ n: string }>(urlA, 'select count(*) as n from app.transactions');
    expect((await rowsOf(urlA, 'marts.fct_transactions')).length).toBe(Number(n));
  });

  it('adds a snapshot version for each profile change of an appended day', async () => {
    expect(changedOn[0]!.length).toBeGreaterThan(0);
    const expected = new Map<number, number>();
    for (const ids of changedOn) for (const id of ids) expected.set(id, (expected.get(id) ?? 1) + 1);
    const versions = await query<{ customer_id: number; n: number; profiles: string[]; chained: boolean; current_from_updated_at: boolean }>(
      urlA,
      `select s.customer_id, count(*)::int as n, array_agg(s.profile order by s.dbt_valid_from) as profiles,
              bool_and(s.dbt_valid_to is null or s.dbt_valid_to = (select min(x.dbt_valid_from) from snapshots.customers_snapshot as x
                                                                   where x.customer_id = s.customer_id and x.dbt_valid_from > s.dbt_valid_from)) as chained,
              bool_or(s.dbt_valid_to is null and s.dbt_valid_from = c.updated_at) as current_from_updated_at
       from snapshots.customers_snapshot as s join app.customers as c using (customer_id)
       group by s.customer_id having count(*) > 1 order by 1`,
    );
    // Exactly the changed customers have more than one version: 2, or 3 when they changed on both days.
    expect(versions.map((v) => [v.customer_id, v.n])).toEqual([...expected].sort((a, b) => a[0] - b[0]));
    for (const v of versions) {
      for (let i = 1; i < v.profiles.length; i++) expect(v.profiles[i], `customer ${v.customer_id}`).not.toBe(v.profiles[i - 1]);
      expect(v.chained, `customer ${v.customer_id}: each version ends where the next begins`).toBe(true);
      expect(v.current_from_updated_at, `customer ${v.customer_id}`).toBe(true);
    }
  });

  it('reconciles every statement with the source transactions', async () => {
    // Computed from app.transactions for each statement, independently of the models' window sums.
    const bad = await query(
      urlA,
      `with s as (
         select *, (statement_month + interval '1 month')::timestamp as next_month from marts.monthly_account_statement
       )
       select s.statement_id, s.opening_balance, s.credits, s.debits, s.fees, s.closing_balance, x.*
       from s
       cross join lateral (
         select
           coalesce(sum(case when t.direction = 'credit' then t.amount else -t.amount end - t.fee) filter (where t.created_at < s.statement_month), 0) as src_opening,
           coalesce(sum(t.amount) filter (where t.direction = 'credit' and t.created_at >= s.statement_month), 0) as src_credits,
           coalesce(sum(t.amount + t.fee) filter (where t.direction = 'debit' and t.created_at >= s.statement_month), 0)
             + coalesce(sum(t.fee) filter (where t.direction = 'credit' and t.created_at >= s.statement_month), 0) as src_debits,
           coalesce(sum(t.fee) filter (where t.created_at >= s.statement_month), 0) as src_fees,
           count(*) filter (where t.created_at >= s.statement_month) as src_count
         from app.transactions as t
         where t.account_id = s.account_id and t.created_at < s.next_month
       ) as x
       where s.opening_balance <> x.src_opening or s.credits <> x.src_credits or s.debits <> x.src_debits
          or s.fees <> x.src_fees or s.transaction_count <> x.src_count
          or s.closing_balance <> s.opening_balance + s.credits - s.debits
       limit 5`,
    );
    expect(bad).toEqual([]);
    const [{ n }] = await query<{ n: string }>(urlA, 'select count(*) as n from marts.monthly_account_statement');
    expect(Number(n)).toBeGreaterThan(SIZE.customers * SIZE.months);
  });

  it('lists the same upsell candidates as a direct computation on the source', async () => {
    // High months straight from app.*, streaks found by their first and last month (not by row numbers).
    const expected = await query(
      urlA,
      `with m as (
         select a.customer_id, date_trunc('month', t.created_at)::date as month,
                coalesce(sum(t.amount) filter (where t.kind = 'withdrawal'), 0) as w,
                count(*) filter (where t.kind = 'loan_disbursement') as ld,
                coalesce(sum(t.amount) filter (where t.kind = 'loan_repayment'), 0) as lr,
                coalesce(sum(t.amount) filter (where t.kind = 'investment_buy'), 0) as inv
         from app.transactions as t join app.accounts as a on a.account_id = t.account_id
         group by 1, 2
       ),
       high as (
         select *, w >= 2000 as hw, (ld > 0 or lr >= 500) as hl, inv >= 1000 as hi from m
         where w >= 2000 or ld > 0 or lr >= 500 or inv >= 1000
       ),
       bounds as (
         select s.customer_id, s.month as streak_start,
                (select min(e.month) from high as e
                 where e.customer_id = s.customer_id and e.month >= s.month
                   and not exists (select 1 from high as n where n.customer_id = e.customer_id and n.month = (e.month + interval '1 month')::date)) as streak_end
         from high as s
         where not exists (select 1 from high as p where p.customer_id = s.customer_id and p.month = (s.month - interval '1 month')::date)
       )
       select b.customer_id, b.streak_start::text, b.streak_end::text, count(*)::int as months,
              concat_ws(', ', case when bool_or(h.hw) then 'withdrawals' end, case when bool_or(h.hl) then 'loans' end, case when bool_or(h.hi) then 'investments' end) as kinds,
              sum(h.w)::text as withdrawals, sum(h.lr)::text as repayments, sum(h.inv)::text as investments, sum(h.ld)::int as loans,
              (select advisor_id from app.customers as c where c.customer_id = b.customer_id) as advisor_id
       from bounds as b join high as h on h.customer_id = b.customer_id and h.month between b.streak_start and b.streak_end
       group by b.customer_id, b.streak_start, b.streak_end
       having count(*) >= 3
       order by 1, 2`,
    );
    const actual = await query(
      urlA,
      `select customer_id, streak_start::text, streak_end::text, streak_months::int as months, activity_kinds as kinds,
              total_withdrawals::text as withdrawals, total_loan_repayments::text as repayments, total_investments::text as investments,
              loans_disbursed::int as loans, advisor_id
       from marts.advisor_upsell_candidates order by 1, 2`,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });

  it('lists the same budget-support customers as a direct computation on the source', async () => {
    // Month-end balance per customer = every movement before the next month, summed; months from the
    // customer's first account month (or first movement) to the last month with data.
    const expected = await query(
      urlA,
      `with last_month as (select date_trunc('month', max(created_at))::date as m from app.transactions),
       first_month as (
         select a.customer_id, least(min(date_trunc('month', a.opened_at)), min(date_trunc('month', t.created_at)))::date as m
         from app.accounts as a left join app.transactions as t on t.account_id = a.account_id
         group by a.customer_id
       ),
       balances as (
         select f.customer_id, gs::date as month,
                (select coalesce(sum(case when t.direction = 'credit' then t.amount else -t.amount end - t.fee), 0)
                 from app.transactions as t join app.accounts as a on a.account_id = t.account_id
                 where a.customer_id = f.customer_id and t.created_at < gs + interval '1 month') as balance
         from first_month as f cross join last_month as l cross join generate_series(f.m, l.m, interval '1 month') as gs
       ),
       red as (select * from balances where balance < 0),
       bounds as (
         select s.customer_id, s.month as streak_start,
                (select min(e.month) from red as e
                 where e.customer_id = s.customer_id and e.month >= s.month
                   and not exists (select 1 from red as n where n.customer_id = e.customer_id and n.month = (e.month + interval '1 month')::date)) as streak_end
         from red as s
         where not exists (select 1 from red as p where p.customer_id = s.customer_id and p.month = (s.month - interval '1 month')::date)
       )
       select b.customer_id, b.streak_start::text, b.streak_end::text, count(*)::int as months, min(r.balance)::text as lowest,
              (select advisor_id from app.customers as c where c.customer_id = b.customer_id) as advisor_id
       from bounds as b join red as r on r.customer_id = b.customer_id and r.month between b.streak_start and b.streak_end
       group by b.customer_id, b.streak_start, b.streak_end
       having count(*) >= 3
       order by 1, 2`,
    );
    const actual = await query(
      urlA,
      `select customer_id, streak_start::text, streak_end::text, months_in_red::int as months, lowest_balance::text as lowest, advisor_id
       from marts.advisor_budget_support order by 1, 2`,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });

  it('reports freshness against the warehouse clock and builds anyway (the history ends on a fixed day)', async () => {
    for (const run of [first, second, third]) {
      const byTable = Object.fromEntries(run.freshness.results.map((r) => [r.tableName, r]));
      // Only the tables with thresholds and a loaded_at_field are checked.
      expect(Object.keys(byTable).sort()).toEqual(['accounts', 'customers', 'transactions']);
      const tx = byTable['transactions']!;
      const days = tx.ageSeconds! / 86400;
      expect(tx.status).toBe(days > 3 ? 'error' : days > 1 ? 'warn' : 'pass');
      expect(run.build).toBeDefined(); // the pipeline went on to build
    }
    const [{ last }] = await query<{ last: string }>(urlA, "select max(created_at)::date::text as last from app.transactions");
    // Checked after the load: the third run saw the second appended day as the newest.
    expect(third.freshness.results.find((r) => r.tableName === 'transactions')!.maxLoadedAt!.slice(0, 10)).toBe(last);

    // A row created now makes transactions fresh (in B, after the comparisons above).
    await query(
      urlB,
      `insert into app.transactions (transaction_id, account_id, kind, direction, amount, description, created_at)
       select max(transaction_id) + 1, (select min(account_id) from app.accounts), 'deposit', 'credit', 1, 'freshness probe', localtimestamp from app.transactions`,
    );
    const fresh = await sourceFreshness(projectB, { select: ['source:app.transactions'], writeArtifacts: false });
    expect(fresh.results.map((r) => [r.tableName, r.status])).toEqual([['transactions', 'pass']]);
    expect(fresh.ok).toBe(true);
  });
});
