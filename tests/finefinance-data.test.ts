// examples/finefinance's source-data generator against a real PostgreSQL server, at 200 customers over
// 6 months: the scale, the schema's constraints and business rules, balanced P2P pairs, the designed
// "in the red" and "high activity" customers (recomputed here in SQL, independently of the generator),
// appendDay's next-day rows and profile changes, and determinism of both.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appendDay, generate, type LoadStats } from '../examples/finefinance/generate/finefinance-data.mjs';
import { parseArgs } from '../examples/finefinance/generate/generate.mjs';
import { createTestDatabase, dropTestDatabase } from './support/pg-admin.js';

const server = inject('pgUrl');
const SIZE = { customers: 200, months: 6 } as const;
const END_DATE = '2026-10-31';

let db: { name: string; url: string };
let client: pg.Client;

async function rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query(sql, params)).rows as T[];
}
async function one<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T> {
  return (await rows<T>(sql, params))[0]!;
}

/** md5 over a table's rows in key order. */
async function tableHash(table: string, key: string): Promise<string> {
  return (await one<{ h: string }>(`select md5(coalesce(string_agg(t::text, '|' order by ${key}), '')) as h from app.${table} t`)).h;
}
const TABLE_KEYS = { advisors: 'advisor_id', customers: 'customer_id', accounts: 'account_id', loans: 'loan_id', investments: 'investment_id', transactions: 'transaction_id' };
async function fingerprint(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, key] of Object.entries(TABLE_KEYS)) out[table] = await tableHash(table, key);
  return out;
}

const load = (seed = 42) => generate({ url: db.url, ...SIZE, seed, endDate: END_DATE, reset: true });

/**
 * Per customer and calendar month (from the month they joined to the last month with data): the total
 * closing balance over their accounts, and whether the month shows high activity as the contract defines it;
 * then each customer's longest run of consecutive red months and of consecutive high months.
 */
const LONGEST_RUNS = `
  with last_month as (select date_trunc('month', max(created_at)) as m from app.transactions),
  cal as (
    select c.customer_id, g.m::date as month
    from app.customers c, last_month l, generate_series(date_trunc('month', c.created_at), l.m, interval '1 month') as g(m)
  ),
  moves as (
    select a.customer_id, date_trunc('month', t.created_at)::date as month,
           sum(case t.direction when 'credit' then t.amount else -t.amount end - t.fee) as net,
           sum(case when t.kind = 'withdrawal' then t.amount else 0 end) as withdrawn,
           sum(case when t.kind = 'loan_disbursement' then 1 else 0 end) as disbursed,
           sum(case when t.kind = 'loan_repayment' then t.amount else 0 end) as repaid,
           sum(case when t.kind = 'investment_buy' then t.amount else 0 end) as invested
    from app.transactions t join app.accounts a on a.account_id = t.account_id
    group by 1, 2
  ),
  months as (
    select cal.customer_id, cal.month,
           sum(coalesce(moves.net, 0)) over (partition by cal.customer_id order by cal.month) < 0 as red,
           coalesce(moves.withdrawn >= 2000 or moves.disbursed > 0 or moves.repaid >= 500 or moves.invested >= 1000, false) as high
    from cal left join moves on moves.customer_id = cal.customer_id and moves.month = cal.month
  ),
  numbered as (
    select *, row_number() over (partition by customer_id order by month) as i,
           row_number() over (partition by customer_id, red order by month) as ri,
           row_number() over (partition by customer_id, high order by month) as hi
    from months
  ),
  red_runs as (select customer_id, count(*) as len from numbered where red group by customer_id, i - ri),
  high_runs as (select customer_id, count(*) as len from numbered where high group by customer_id, i - hi)
  select c.customer_id, coalesce(r.len, 0)::int as red, coalesce(h.len, 0)::int as high
  from app.customers c
  left join (select customer_id, max(len) as len from red_runs group by 1) r on r.customer_id = c.customer_id
  left join (select customer_id, max(len) as len from high_runs group by 1) h on h.customer_id = c.customer_id`;

beforeAll(async () => {
  db = await createTestDatabase(server, 'ff_data');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end().catch(() => undefined);
  if (db) await dropTestDatabase(server, db.name);
});

describe('the generated history (200 customers, 6 months)', () => {
  let stats: LoadStats;
  beforeAll(async () => {
    stats = await load();
  });

  it('has the expected scale, ending on endDate', async () => {
    const counts = await one<Record<string, number>>(`
      select (select count(*) from app.advisors)::int as advisors, (select count(*) from app.customers)::int as customers,
             (select count(*) from app.accounts)::int as accounts, (select count(*) from app.loans)::int as loans,
             (select count(*) from app.investments)::int as investments, (select count(*) from app.transactions)::int as transactions`);
    expect(counts).toEqual({ advisors: stats.advisors, customers: stats.customers, accounts: stats.accounts, loans: stats.loans, investments: stats.investments, transactions: stats.transactions });
    expect(stats.customers).toBe(200);
    expect(stats.advisors).toBe(3);
    expect(stats.accounts).toBeGreaterThanOrEqual(240); // a checking account each, savings for ~35%
    expect(stats.accounts).toBeLessThanOrEqual(300);
    // ~1M per 5,000 customers × 24 months, linear: 10,000 here
    expect(stats.transactions).toBeGreaterThanOrEqual(8_000);
    expect(stats.transactions).toBeLessThanOrEqual(12_500);
    expect(stats.loans).toBeGreaterThanOrEqual(5);
    expect(stats.investments).toBeGreaterThanOrEqual(10);
    const span = await one(`select min(created_at)::date::text as first, max(created_at)::date::text as last from app.transactions`);
    expect(span).toEqual({ first: '2026-05-01', last: END_DATE });
    const kinds = (await rows<{ kind: string }>(`select distinct kind from app.transactions order by 1`)).map((r) => r.kind);
    expect(kinds).toEqual(['deposit', 'investment_buy', 'investment_sell', 'loan_disbursement', 'loan_repayment', 'p2p_transfer', 'withdrawal']);
  });

  it('satisfies the schema constraints (all validated) and the rules they cannot express', async () => {
    const constraints = await one<{ fks: number; invalid: number }>(`
      select count(*) filter (where contype = 'f')::int as fks, count(*) filter (where not convalidated)::int as invalid
      from pg_constraint where connamespace = 'app'::regnamespace`);
    expect(constraints.fks).toBeGreaterThanOrEqual(10);
    expect(constraints.invalid).toBe(0);
    const broken = await one<Record<string, number>>(`
      select
        (select count(*) from app.customers where updated_at < created_at)::int as customer_times,
        (select count(*) from app.accounts a join app.customers c using (customer_id) where a.opened_at < c.created_at or a.updated_at < a.opened_at)::int as account_times,
        (select count(*) from app.customers c where not exists (select 1 from app.accounts a where a.customer_id = c.customer_id and a.account_type = 'checking'))::int as without_checking,
        (select count(*) from app.transactions t join app.accounts a using (account_id) where t.created_at < a.opened_at)::int as before_opening,
        (select count(*) from app.transactions t join app.accounts a using (account_id) where a.status = 'closed' and t.created_at > a.updated_at)::int as after_closing,
        (select count(*) from app.transactions where created_at >= timestamp '${END_DATE}' + interval '1 day')::int as after_end,
        (select count(*) from app.transactions where (direction = 'credit') <> (kind in ('deposit', 'loan_disbursement', 'investment_sell') or (kind = 'p2p_transfer' and direction = 'credit')))::int as wrong_direction,
        (select count(*) from app.accounts a join app.customers c using (customer_id)
          where a.account_type = 'checking' and not (a.overdraft_limit = case c.profile when 'Diamond' then 1000 when 'Gold' then 500 else a.overdraft_limit end
                                                     and (c.profile <> 'Bronze' or a.overdraft_limit in (0, 200))))::int as overdraft_by_profile`);
    expect(broken).toEqual({ customer_times: 0, account_times: 0, without_checking: 0, before_opening: 0, after_closing: 0, after_end: 0, wrong_direction: 0, overdraft_by_profile: 0 });
  });

  it('spreads profiles ~60/30/10 and records profile changes in updated_at', async () => {
    const share = Object.fromEntries((await rows<{ profile: string; share: number }>(`select profile, (count(*)::float8 / sum(count(*)) over ()) as share from app.customers group by 1`)).map((r) => [r.profile, r.share]));
    expect(share['Bronze']).toBeGreaterThan(0.5);
    expect(share['Bronze']).toBeLessThan(0.7);
    expect(share['Gold']).toBeGreaterThan(0.2);
    expect(share['Gold']).toBeLessThan(0.4);
    expect(share['Diamond']).toBeGreaterThan(0.04);
    expect(share['Diamond']).toBeLessThan(0.17);
    const changed = await one<{ n: number }>(`select count(*)::int as n from app.customers where updated_at > created_at`);
    expect(changed.n).toBeGreaterThan(0);
    expect(changed.n).toBeLessThan(40);
  });

  it('keeps balances within the overdraft at every month end', async () => {
    const r = await one<{ beyond: number; months: number }>(`
      with m as (
        select a.account_id, a.overdraft_limit, date_trunc('month', t.created_at) as month,
               sum(case t.direction when 'credit' then t.amount else -t.amount end - t.fee) as net
        from app.transactions t join app.accounts a using (account_id) group by 1, 2, 3
      )
      select count(*) filter (where closing < -overdraft_limit)::int as beyond, count(*)::int as months
      from (select *, sum(net) over (partition by account_id order by month) as closing from m) x`);
    expect(r.months).toBeGreaterThan(1000);
    expect(r.beyond).toBe(0);
  });

  it('writes every P2P transfer as a balanced pair: debit on the sender, credit on the receiver, pointing at each other', async () => {
    const r = await one<Record<string, number>>(`
      with d as (select * from app.transactions where kind = 'p2p_transfer' and direction = 'debit'),
           c as (select * from app.transactions where kind = 'p2p_transfer' and direction = 'credit')
      select (select count(*) from d)::int as debits, (select count(*) from c)::int as credits,
             (select count(*) from d join c on c.account_id = d.counterparty_account_id and c.counterparty_account_id = d.account_id
                                          and c.created_at = d.created_at and c.amount = d.amount)::int as matched,
             (select count(*) from c where fee <> 0)::int as credit_fees,
             (select count(*) from d join app.accounts s on s.account_id = d.account_id join app.accounts r on r.account_id = d.counterparty_account_id
               where s.customer_id = r.customer_id)::int as to_self`);
    expect(r.debits).toBeGreaterThan(500);
    expect(r.credits).toBe(r.debits);
    expect(r.matched).toBe(r.debits);
    expect(r.credit_fees).toBe(0);
    expect(r.to_self).toBe(0);
  });

  it('charges fees and interest as the business rules say', async () => {
    const r = await one<Record<string, number>>(`
      select
        (select count(*) from app.transactions where kind = 'withdrawal' and fee > 2)::int as withdrawal_fees_over_2,
        (select count(*) from app.transactions where kind = 'investment_buy' and fee <> round(amount * 0.005, 2))::int as buy_fees,
        (select count(*) from app.transactions where kind = 'p2p_transfer' and direction = 'debit' and fee > amount * 0.01)::int as p2p_fees,
        (select count(*) from app.transactions where kind in ('deposit', 'loan_disbursement', 'investment_sell') and fee <> 0)::int as credit_fees,
        (select count(*) from app.transactions where kind = 'loan_repayment' and interest = 0)::int as repayments_without_interest,
        (select count(*) from (select l.loan_id from app.loans l join app.transactions t using (loan_id)
                               where t.kind = 'loan_repayment' group by l.loan_id, l.principal, l.status
                               having sum(t.amount - t.interest) > l.principal or (l.status = 'repaid' and sum(t.amount - t.interest) <> l.principal)) x)::int as principal_mismatch,
        (select count(*) from app.transactions where fee > 0)::int as with_fee`);
    expect(r).toMatchObject({ withdrawal_fees_over_2: 0, buy_fees: 0, p2p_fees: 0, credit_fees: 0, repayments_without_interest: 0, principal_mismatch: 0 });
    expect(r['with_fee']).toBeGreaterThan(100);
  });

  it("has the designed 'in the red 3+ months' and 'high activity 3+ months' customers, and shorter streaks too", async () => {
    const runs = await rows<{ customer_id: number; red: number; high: number }>(LONGEST_RUNS);
    expect(runs).toHaveLength(200);
    const share = (pred: (r: { red: number; high: number }) => boolean) => runs.filter(pred).length / runs.length;
    // ~3% in the red for 3+ consecutive months, ~5% with high activity for 3+ consecutive months
    expect(share((r) => r.red >= 3)).toBeGreaterThanOrEqual(0.02);
    expect(share((r) => r.red >= 3)).toBeLessThanOrEqual(0.05);
    expect(share((r) => r.high >= 3)).toBeGreaterThanOrEqual(0.035);
    expect(share((r) => r.high >= 3)).toBeLessThanOrEqual(0.08);
    // ... and some with 1-2 months only, so that "3+ consecutive" is really tested
    expect(share((r) => r.red > 0 && r.red < 3)).toBeGreaterThan(0);
    expect(share((r) => r.high > 0 && r.high < 3)).toBeGreaterThan(0);
  });
});

describe('appendDay', () => {
  let before: { customers: number; accounts: number; loans: number; transactions: number; last: string };
  let first: LoadStats;
  let firstPrint: Record<string, string>;
  beforeAll(async () => {
    await load();
    before = await one(`select (select max(customer_id) from app.customers)::int as customers, (select max(account_id) from app.accounts)::int as accounts,
                               (select max(loan_id) from app.loans)::int as loans, (select max(transaction_id) from app.transactions)::int as transactions,
                               (select max(created_at)::date::text from app.transactions) as last`);
    first = await appendDay({ url: db.url });
    firstPrint = await fingerprint();
  });

  it('adds rows only on the day after the last transaction, with ids after the previous maxima', async () => {
    expect(before.last).toBe(END_DATE);
    expect(first.day).toBe('2026-11-01');
    expect(first.customers).toBeGreaterThanOrEqual(1);
    expect(first.transactions).toBeGreaterThan(50); // ~1/30 of a month's volume
    expect(first.transactions).toBeLessThan(1500);
    const added = await one<Record<string, unknown>>(`
      select (select count(*) from app.transactions where transaction_id > $1)::int as transactions,
             (select count(*) from app.transactions where transaction_id > $1 and created_at::date <> '2026-11-01')::int as off_day,
             (select count(*) from app.transactions where transaction_id <= $1 and created_at >= '2026-11-01')::int as old_ids_on_day,
             (select count(*) from app.customers where customer_id > $2)::int as customers,
             (select count(*) from app.customers where customer_id > $2 and created_at::date <> '2026-11-01')::int as customers_off_day,
             (select count(*) from app.accounts where account_id > $3)::int as accounts,
             (select count(*) from app.accounts where account_id > $3 and opened_at::date <> '2026-11-01')::int as accounts_off_day,
             (select count(*) from app.customers c where customer_id > $2 and not exists (select 1 from app.accounts a where a.customer_id = c.customer_id))::int as without_account,
             (select min(transaction_id) from app.transactions where transaction_id > $1)::int as first_id`,
      [before.transactions, before.customers, before.accounts],
    );
    expect(added).toEqual({
      transactions: first.transactions, off_day: 0, old_ids_on_day: 0, customers: first.customers, customers_off_day: 0,
      accounts: first.accounts, accounts_off_day: 0, without_account: 0, first_id: before.transactions + 1,
    });
    const pairs = await one<{ unmatched: number }>(`
      select count(*)::int as unmatched from app.transactions d
      where d.created_at >= '2026-11-01' and d.kind = 'p2p_transfer' and d.direction = 'debit' and not exists (
        select 1 from app.transactions c where c.kind = 'p2p_transfer' and c.direction = 'credit' and c.account_id = d.counterparty_account_id
          and c.counterparty_account_id = d.account_id and c.created_at = d.created_at and c.amount = d.amount)`);
    expect(pairs.unmatched).toBe(0);
  });

  it('changes some profiles, with updated_at on that day', async () => {
    const r = await one<{ changed: number; new_customers: number }>(`
      select count(*) filter (where customer_id <= $1)::int as changed, count(*) filter (where customer_id > $1)::int as new_customers
      from app.customers where updated_at::date = '2026-11-01'`, [before.customers]);
    expect(r.changed).toBeGreaterThanOrEqual(1); // ~0.3% of 200
    expect(r.changed).toBeLessThanOrEqual(3);
    expect(r.new_customers).toBe(first.customers);
  });

  it('is deterministic given the seed and the database state, and appends the next day when run again', async () => {
    await load();
    const again = await appendDay({ url: db.url });
    expect({ ...again, seconds: 0 }).toEqual({ ...first, seconds: 0 });
    expect(await fingerprint()).toEqual(firstPrint);
    const next = await appendDay({ url: db.url });
    expect(next.day).toBe('2026-11-02');
    const days = await rows<{ day: string }>(`select distinct created_at::date::text as day from app.transactions where created_at >= '2026-11-01' order by 1`);
    expect(days.map((d) => d.day)).toEqual(['2026-11-01', '2026-11-02']);
  });
});

describe('determinism of generate', () => {
  it('gives the same rows for the same seed and different ones for another seed', async () => {
    await load(42);
    const a = await fingerprint();
    await load(42);
    const b = await fingerprint();
    expect(b).toEqual(a);
    await load(7);
    const c = await fingerprint();
    expect(c.transactions).not.toBe(a.transactions);
    expect(c.customers).not.toBe(a.customers);
  });
});

describe('the CLI arguments', () => {
  it('parses flags, with a full reset by default', () => {
    expect(parseArgs(['--url', 'postgres://x/y', '--customers=300', '--months', '6', '--seed', '7'])).toMatchObject({ url: 'postgres://x/y', customers: 300, months: 6, seed: 7, reset: true, append: false });
    expect(parseArgs(['--append'])).toMatchObject({ append: true });
    expect(() => parseArgs(['--customers', 'many'])).toThrow(/non-negative integer/);
    expect(() => parseArgs(['--bogus'])).toThrow(/unknown argument/);
  });
});
