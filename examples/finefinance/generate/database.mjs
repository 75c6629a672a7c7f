// The generator's side of PostgreSQL: create the database, (re)create schema app from
// source/schema.sql, stream CSV into COPY, and check what was loaded.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { COLUMNS } from './rows.mjs';

export const SCHEMA_FILE = new URL('../source/schema.sql', import.meta.url);
export const TABLES = /** @type {const} */ (['advisors', 'customers', 'accounts', 'loans', 'investments', 'transactions']);

/** The URL with its password masked, for messages. */
export const redact = (url) => url.replace(/:[^:@/]*@/, ':*****@');

/** Create the database named in `url` if it does not exist (through the `postgres` database). @returns whether it was created */
export async function ensureDatabase(url) {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`the URL names no database: ${redact(url)}`);
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`create database "${name.replace(/"/g, '""')}"`);
    } catch (e) {
      if (/** @type {{ code?: string }} */ (e).code !== '42P04') throw e; // created meanwhile by someone else
      return false;
    }
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function connect(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Drop schema app (and whatever depends on it, e.g. warehouse views) and create it from source/schema.sql. */
export async function resetSchema(client) {
  await client.query('drop schema if exists app cascade');
  await client.query(readFileSync(SCHEMA_FILE, 'utf8'));
}

/** Create schema app when missing; refuse to load into tables that hold rows. */
export async function prepareEmptySchema(client) {
  const exists = await client.query(`select 1 from information_schema.tables where table_schema = 'app' and table_name = 'transactions'`);
  if (!exists.rowCount) {
    await client.query(readFileSync(SCHEMA_FILE, 'utf8'));
    return;
  }
  for (const t of TABLES) {
    const r = await client.query(`select exists (select 1 from app.${t}) as found`);
    if (r.rows[0].found) throw new Error(`app.${t} already holds rows: generate with reset (the CLI's default) or append a day instead`);
  }
}

/**
 * Stream CSV chunks into `COPY app.<table> FROM STDIN`.
 * @param {pg.Client} client @param {keyof typeof COLUMNS} table @param {Iterable<string>} chunks
 */
export async function copyInto(client, table, chunks) {
  const sql = `copy app.${table} (${COLUMNS[table].join(', ')}) from stdin with (format csv)`;
  await pipeline(Readable.from(chunks, { objectMode: false }), client.query(copyStreams.from(sql)));
}

/**
 * Bulk-load an empty table without its foreign keys, then add them back: PostgreSQL validates each
 * re-added key in one pass instead of one trigger per row (≈ 2× faster COPY for the transactions).
 * Run it inside a transaction so that a failure leaves the keys in place.
 * @param {pg.Client} client @param {string} table @param {() => Promise<void>} load
 */
export async function withoutForeignKeys(client, table, load) {
  const { rows } = await client.query(
    `select conname, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = $1::regclass and contype = 'f' order by conname`,
    [`app.${table}`],
  );
  const quote = (name) => `"${name.replace(/"/g, '""')}"`;
  for (const fk of rows) await client.query(`alter table app.${table} drop constraint ${quote(fk.conname)}`);
  await load();
  for (const fk of rows) await client.query(`alter table app.${table} add constraint ${quote(fk.conname)} ${fk.def}`);
}

/** @returns {Promise<Record<string, number>>} rows per table of schema app */
export async function countRows(client) {
  const r = await client.query(TABLES.map((t) => `select '${t}' as t, count(*)::int as n from app.${t}`).join(' union all '));
  return Object.fromEntries(r.rows.map((row) => [row.t, row.n]));
}

/** Integrity checks that must hold after every load; each query returns the number of offending rows. */
export const INTEGRITY_CHECKS = [
  {
    name: 'every P2P debit has its credit (counterparties pointing at each other, same amount and time)',
    sql: `select count(*)::int as n from app.transactions d
          where d.kind = 'p2p_transfer' and d.direction = 'debit' and not exists (
            select 1 from app.transactions c
            where c.kind = 'p2p_transfer' and c.direction = 'credit' and c.account_id = d.counterparty_account_id
              and c.counterparty_account_id = d.account_id and c.created_at = d.created_at and c.amount = d.amount)`,
  },
  {
    name: 'as many P2P credits as debits',
    sql: `select abs(count(*) filter (where direction = 'debit') - count(*) filter (where direction = 'credit'))::int as n
          from app.transactions where kind = 'p2p_transfer'`,
  },
  {
    name: 'no zero or negative amounts, fees or interest',
    sql: `select count(*)::int as n from app.transactions where amount <= 0 or fee < 0 or interest < 0`,
  },
  {
    name: 'movements only while the account is open',
    sql: `select count(*)::int as n from app.transactions t join app.accounts a using (account_id)
          where t.created_at < a.opened_at or (a.status = 'closed' and t.created_at > a.updated_at)`,
  },
  {
    name: 'accounts, loans and investments belong to the customer and start after they joined',
    sql: `select ((select count(*) from app.accounts a join app.customers c using (customer_id) where a.opened_at < c.created_at)
               + (select count(*) from app.loans l join app.accounts a using (account_id) where a.customer_id <> l.customer_id or l.disbursed_at < a.opened_at)
               + (select count(*) from app.investments i join app.accounts a using (account_id) where a.customer_id <> i.customer_id or i.opened_at < a.opened_at)
               + (select count(*) from app.transactions t join app.accounts a using (account_id) join app.loans l using (loan_id) where l.account_id <> t.account_id)
               + (select count(*) from app.transactions t join app.investments i using (investment_id) where i.account_id <> t.account_id))::int as n`,
  },
];

/**
 * Customers "in the red" (total closing balance < 0) and with "high activity" per month, as runs of
 * consecutive months; counts the customers whose longest run is ≥ 3 months and those with shorter runs only.
 */
export const STREAKS_SQL = `
with bounds as (select date_trunc('month', max(created_at)) as last_month from app.transactions),
months as (
  select c.customer_id, gs::date as month
  from app.customers c cross join bounds b
  cross join lateral generate_series(date_trunc('month', c.created_at), b.last_month, interval '1 month') gs
),
net as (
  select a.customer_id, date_trunc('month', t.created_at)::date as month,
         sum(case when t.direction = 'credit' then t.amount else -t.amount end - t.fee) as net,
         coalesce(sum(t.amount) filter (where t.kind = 'withdrawal'), 0) >= 2000
           or count(*) filter (where t.kind = 'loan_disbursement') > 0
           or coalesce(sum(t.amount) filter (where t.kind = 'loan_repayment'), 0) >= 500
           or coalesce(sum(t.amount) filter (where t.kind = 'investment_buy'), 0) >= 1000 as high
  from app.transactions t join app.accounts a using (account_id)
  group by 1, 2
),
monthly as (
  select m.customer_id, m.month, coalesce(n.high, false) as high,
         sum(coalesce(n.net, 0)) over (partition by m.customer_id order by m.month) as closing
  from months m left join net n using (customer_id, month)
),
flagged as (
  select customer_id, 'red' as flag, month from monthly where closing < 0
  union all
  select customer_id, 'high', month from monthly where high
),
runs as (
  select customer_id, flag, count(*) as len
  from (select f.*, extract(year from month) * 12 + extract(month from month)
                    - row_number() over (partition by customer_id, flag order by month) as grp
        from flagged f) x
  group by customer_id, flag, grp
),
longest as (select customer_id, flag, max(len) as len from runs group by 1, 2)
select flag, count(*) filter (where len >= 3)::int as three_plus, count(*) filter (where len < 3)::int as shorter
from longest group by flag order by flag`;

/** Run the integrity checks; throws naming each one that fails. @param {pg.Client} client */
export async function checkIntegrity(client) {
  const failures = [];
  for (const check of INTEGRITY_CHECKS) {
    const n = (await client.query(check.sql)).rows[0].n;
    if (n !== 0) failures.push(`${check.name}: ${n} offending rows`);
  }
  if (failures.length) throw new Error(`the loaded data fails its checks:\n  ${failures.join('\n  ')}`);
}

/** What was loaded: row counts, period, volume, revenue, profiles and the red / high-activity streaks. @param {pg.Client} client */
export async function summarize(client) {
  const counts = await countRows(client);
  const totals = (
    await client.query(`select min(created_at)::date::text as first_day, max(created_at)::date::text as last_day,
                               coalesce(sum(amount), 0)::float8 as volume, coalesce(sum(fee) + sum(interest), 0)::float8 as revenue
                        from app.transactions`)
  ).rows[0];
  const streaks = Object.fromEntries((await client.query(STREAKS_SQL)).rows.map((r) => [r.flag, { threePlus: r.three_plus, shorter: r.shorter }]));
  const profiles = Object.fromEntries((await client.query(`select profile, count(*)::int as n from app.customers group by 1`)).rows.map((r) => [r.profile, r.n]));
  return { counts, totals, streaks, profiles };
}

/** A few lines describing a `summarize` result. */
export function describeSummary(s) {
  const c = s.counts;
  const pct = (n) => `${((100 * n) / Math.max(1, c.customers)).toFixed(1)}%`;
  const red = s.streaks.red ?? { threePlus: 0, shorter: 0 };
  const high = s.streaks.high ?? { threePlus: 0, shorter: 0 };
  const eur = (x) => `${Math.round(x).toLocaleString('en-US')} EUR`;
  return [
    `rows: ${c.advisors} advisors, ${c.customers} customers (${['Bronze', 'Gold', 'Diamond'].map((p) => `${s.profiles[p] ?? 0} ${p}`).join(', ')}), ${c.accounts} accounts, ${c.loans} loans, ${c.investments} investments, ${c.transactions} transactions`,
    `transactions ${s.totals.first_day} .. ${s.totals.last_day}: volume ${eur(s.totals.volume)}, revenue (fees + interest) ${eur(s.totals.revenue)}`,
    `in the red 3+ consecutive months: ${red.threePlus} customers (${pct(red.threePlus)}); 1-2 months only: ${red.shorter}`,
    `high activity 3+ consecutive months: ${high.threePlus} customers (${pct(high.threePlus)}); 1-2 months only: ${high.shorter}`,
    'checks passed: P2P pairs balance, amounts positive, movements within account lifetimes, ownership consistent',
  ];
}
