// FineFinance source data: the public API of the generator (types in finefinance-data.d.mts).
//
//   generate({ url, customers, months, seed, endDate, reset })  the full history, loaded over COPY
//   appendDay({ url, seed })                                     "today's" rows: the day after the last one
//
// Plain ESM JavaScript so that Node runs it without a build step. Deterministic: the same options
// (and, for appendDay, the same database state) give the same rows, whatever the machine.
import { parseDay } from './calendar.mjs';
import {
  checkIntegrity, connect, copyInto, describeSummary, ensureDatabase, prepareEmptySchema, redact, resetSchema, summarize, withoutForeignKeys,
} from './database.mjs';
import { planDay, readDayState } from './day.mjs';
import { historyChunks, planHistory } from './history.mjs';
import { accountRow, advisorRow, chunks, customerRow, investmentRow, loanRow, transactionRow } from './rows.mjs';

export const DEFAULTS = Object.freeze({ customers: 5000, months: 24, seed: 42, endDate: '2026-10-31' });

function positiveInteger(value, name, max = Number.MAX_SAFE_INTEGER) {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be an integer from 1 to ${max}, got ${value}`);
  return value;
}

function seedOf(value) {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`seed must be an integer from 0 to 4294967295, got ${value}`);
  return value;
}

const elapsed = (started) => (performance.now() - started) / 1000;

/** @param {import('./finefinance-data.d.mts').GenerateOptions} options */
export async function generate(options) {
  const started = performance.now();
  const { url, reset = false, onProgress = () => {} } = options;
  if (!url) throw new Error('generate needs a database url');
  const customers = positiveInteger(options.customers ?? DEFAULTS.customers, 'customers', 10_000_000);
  const months = positiveInteger(options.months ?? DEFAULTS.months, 'months', 600);
  const seed = seedOf(options.seed ?? DEFAULTS.seed);
  const endDay = parseDay(options.endDate ?? DEFAULTS.endDate, 'endDate');

  if (await ensureDatabase(url)) onProgress(`created database ${redact(url)}`);
  const h = planHistory({ customers, months, seed, endDay });
  onProgress(`planned ${customers} customers over ${months} months to ${options.endDate ?? DEFAULTS.endDate} (seed ${seed}; target ~${h.target.toLocaleString('en-US')} transactions)`);
  const d = h.designed;
  onProgress(`designed: ${d.red} in the red for 3-6 months (${d.redNear} for 1-2), ${d.highW + d.highInv + d.highLoan} with high activity for 3+ months (${d.highW} withdrawals, ${d.highInv} investments, ${d.highLoan} loans; ${d.highNear} for 1-2)`);

  const client = await connect(url);
  try {
    // One transaction: a failed load leaves the database as it was.
    await client.query('begin');
    if (reset) await resetSchema(client);
    else await prepareEmptySchema(client);
    await copyInto(client, 'advisors', chunks(h.advisors, advisorRow));
    await copyInto(client, 'customers', chunks(h.customers, customerRow));
    await copyInto(client, 'accounts', chunks(h.accounts, accountRow));
    await copyInto(client, 'loans', chunks(h.loans, (l) => loanRow({ ...l, accountId: l.account.id })));
    await copyInto(client, 'investments', chunks(h.investments, (i) => investmentRow({ ...i, accountId: i.account.id, status: i.closeAt ? 'closed' : 'open' })));
    const copyStarted = performance.now();
    let rows = 0;
    const progress = (m, n) => {
      rows += n;
      if (m % 6 === 5 || m === h.months.length - 1) onProgress(`transactions: ${m + 1}/${h.months.length} months, ${rows.toLocaleString('en-US')} rows (${Math.round(rows / elapsed(copyStarted)).toLocaleString('en-US')} rows/s)`);
    };
    await withoutForeignKeys(client, 'transactions', () => copyInto(client, 'transactions', historyChunks(h, progress)));
    // An investment planned to close whose purchases were all declined stays open.
    const reopened = h.investments.filter((i) => i.closeFailed);
    if (reopened.length) {
      await client.query(`update app.investments set status = 'open', updated_at = opened_at where investment_id = any($1::int[])`, [reopened.map((i) => i.id)]);
    }
    await checkIntegrity(client);
    await client.query('commit');
    await client.query('analyze app.advisors, app.customers, app.accounts, app.loans, app.investments, app.transactions');
    const loadSeconds = elapsed(started);
    onProgress(`loaded and checked ${h.transactions.toLocaleString('en-US')} transactions in ${loadSeconds.toFixed(1)}s (${Math.round((h.transactions + h.accounts.length + customers) / loadSeconds).toLocaleString('en-US')} rows/s overall)`);
    const summary = await summarize(client);
    for (const line of describeSummary(summary)) onProgress(line);
    const c = summary.counts;
    return { advisors: c.advisors, customers: c.customers, accounts: c.accounts, loans: c.loans, investments: c.investments, transactions: c.transactions, seconds: elapsed(started) };
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** @param {import('./finefinance-data.d.mts').AppendDayOptions} options */
export async function appendDay(options) {
  const started = performance.now();
  const { url, onProgress = () => {} } = options;
  if (!url) throw new Error('appendDay needs a database url');
  const seed = seedOf(options.seed ?? DEFAULTS.seed);
  const client = await connect(url);
  try {
    await client.query('begin');
    // Serialise concurrent appends on the same database: the second one sees the first one's day.
    await client.query(`lock table app.customers, app.accounts, app.loans, app.investments, app.transactions in share row exclusive mode`);
    const state = await readDayState(client);
    const plan = planDay(state, seed);
    await copyInto(client, 'customers', chunks(plan.customers, customerRow));
    await copyInto(client, 'accounts', chunks(plan.accounts, accountRow));
    await copyInto(client, 'loans', chunks(plan.loans, loanRow));
    let id = state.maxIds.transactions;
    await copyInto(client, 'transactions', chunks(plan.transactions, (e) => transactionRow(++id, e)));
    if (plan.profileChanges.length) {
      await client.query(
        `update app.customers c set profile = v.profile, updated_at = to_timestamp(v.at) at time zone 'UTC'
         from unnest($1::int[], $2::text[], $3::float8[]) as v(id, profile, at) where c.customer_id = v.id`,
        [plan.profileChanges.map((p) => p.id), plan.profileChanges.map((p) => p.profile), plan.profileChanges.map((p) => p.at)],
      );
    }
    if (plan.overdraftChanges.length) {
      await client.query(
        `update app.accounts a set overdraft_limit = v.cents / 100.0, updated_at = to_timestamp(v.at) at time zone 'UTC'
         from unnest($1::int[], $2::int[], $3::float8[]) as v(id, cents, at) where a.account_id = v.id`,
        [plan.overdraftChanges.map((p) => p.id), plan.overdraftChanges.map((p) => p.cents), plan.overdraftChanges.map((p) => p.at)],
      );
    }
    if (plan.loanUpdates.length) {
      await client.query(
        `update app.loans l set status = v.status, updated_at = to_timestamp(v.at) at time zone 'UTC'
         from unnest($1::int[], $2::text[], $3::float8[]) as v(id, status, at) where l.loan_id = v.id`,
        [plan.loanUpdates.map((p) => p.id), plan.loanUpdates.map((p) => p.status), plan.loanUpdates.map((p) => p.at)],
      );
    }
    await checkIntegrity(client);
    await client.query('commit');
    const stats = {
      advisors: 0, customers: plan.customers.length, accounts: plan.accounts.length, loans: plan.loans.length, investments: 0,
      transactions: plan.transactions.length, seconds: elapsed(started), day: plan.day,
    };
    onProgress(`appended ${plan.day}: ${stats.customers} new customers, ${stats.accounts} accounts, ${stats.loans} loans, ${stats.transactions} transactions, ${plan.profileChanges.length} profile changes (${stats.seconds.toFixed(2)}s)`);
    return stats;
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    await client.end().catch(() => undefined);
  }
}

