// "Today's" rows for a live-looking source: the day after the last transaction. readDayState reads
// what the day depends on (balances, each account's recent rhythm, active loans and savings plans);
// planDay turns it into new rows and updates, deterministically from the seed and that state.
import { DAY, dayOfMonth, formatDay, monthOfDay, parseDay } from './calendar.mjs';
import { annuity } from './history.mjs';
import {
  ATM_FEE, buildPools, emailOf, investmentFee, LOAN_PURPOSES, overdraftFor, p2pFee, P2P_MEMOS, PLACES, SAVINGS_SHARE,
} from './pools.mjs';
import { createRandom, mixSeed } from './random.mjs';
import { byTime } from './rows.mjs';

const HOUR = 3600;
/** Shares of the customer base per day: new customers, profile changes, new loans. */
export const DAY_SHARES = { newCustomers: 0.001, profileChanges: 0.003, newLoans: 0.00012 };

/** @param {import('pg').Client} client */
export async function readDayState(client) {
  const q = async (sql, params = []) => (await client.query(sql, params)).rows;
  const [table] = await q(`select to_regclass('app.transactions') is not null as found`);
  if (!table.found) throw new Error('schema app has no transactions table: generate the history first');
  const [last] = await q(`select max(created_at)::date::text as last_day from app.transactions`);
  if (!last.last_day) throw new Error('app.transactions is empty: generate the history first');
  const day = parseDay(last.last_day) + 1;
  const since = (days) => [`${formatDay(day - days)} 00:00:00`];
  const [maxIds] = await q(`select (select coalesce(max(customer_id), 0) from app.customers)::int as customers,
                                   (select coalesce(max(account_id), 0) from app.accounts)::int as accounts,
                                   (select coalesce(max(loan_id), 0) from app.loans)::int as loans,
                                   (select coalesce(max(transaction_id), 0) from app.transactions)::float8 as transactions`);
  const advisors = (await q(`select advisor_id from app.advisors order by 1`)).map((r) => r.advisor_id);
  const customers = await q(`select customer_id as id, full_name, profile, extract(epoch from created_at)::float8 as created from app.customers order by 1`);
  const accounts = await q(`
    select a.account_id as id, a.customer_id, a.account_type as type, (a.overdraft_limit * 100)::int as overdraft, a.status,
           extract(epoch from a.opened_at)::float8 as opened, coalesce(b.cents, 0)::float8 as balance
    from app.accounts a
    left join (select account_id, sum(case when direction = 'credit' then amount else -amount end - fee) * 100 as cents
               from app.transactions group by 1) b using (account_id)
    order by 1`);
  const activity = await q(
    `select account_id,
            count(*) filter (where kind = 'withdrawal' and amount < 1000)::int as w_count,
            (coalesce(sum(amount) filter (where kind = 'withdrawal' and amount < 1000), 0) * 100)::float8 as w_cents,
            count(*) filter (where kind = 'p2p_transfer' and direction = 'debit')::int as p_count,
            (coalesce(sum(amount) filter (where kind = 'p2p_transfer' and direction = 'debit'), 0) * 100)::float8 as p_cents
     from app.transactions where created_at >= $1::timestamp group by 1 order by 1`,
    since(30),
  );
  const lastDeposit = (pattern) =>
    q(
      `select distinct on (account_id) account_id, (amount * 100)::float8 as cents, extract(day from created_at)::int as dom, description
       from app.transactions where kind = 'deposit' and description like $2 and created_at >= $1::timestamp
       order by account_id, created_at desc, transaction_id desc`,
      [...since(62), pattern],
    );
  const salaries = await lastDeposit('Salary %');
  const savingsDeposits = await lastDeposit('Savings deposit');
  const loans = await q(`
    select l.loan_id as id, l.customer_id, l.account_id, (l.principal * 100)::float8 as principal, l.annual_rate::float8 as rate,
           l.term_months as term, extract(epoch from l.disbursed_at)::float8 as disbursed, count(t.transaction_id)::int as paid,
           (coalesce(sum(t.amount - t.interest), 0) * 100)::float8 as repaid, max(t.created_at)::date::text as last_paid
    from app.loans l left join app.transactions t on t.loan_id = l.loan_id and t.kind = 'loan_repayment'
    where l.status = 'active' group by l.loan_id order by 1`);
  const plans = await q(`
    select i.investment_id as id, i.account_id, i.product, extract(day from i.opened_at)::int as dom, b.last_buy
    from app.investments i
    left join (select distinct on (investment_id) investment_id, (amount * 100)::float8 as last_buy from app.transactions
               where kind = 'investment_buy' order by investment_id, created_at desc, transaction_id desc) b using (investment_id)
    where i.product = 'savings_plan' and i.status = 'open' order by 1`);
  return { day, maxIds, advisors, customers, accounts, activity, salaries, savingsDeposits, loans, plans };
}

/** @typedef {Awaited<ReturnType<typeof readDayState>>} DayState */

/** @param {DayState} state @param {number} seed */
export function planDay(state, seed) {
  const D = state.day;
  const rnd = createRandom(mixSeed(seed, D, 0x46460002));
  const pools = buildPools(seed);
  const dom = dayOfMonth(D);
  const month = monthOfDay(D);
  const at = (fromHour, toHour) => D * DAY + rnd.between(fromHour * HOUR, toHour * HOUR - 1);
  const n = state.customers.length;

  /** @type {Map<number, any>} */
  const accounts = new Map(state.accounts.map((a) => [a.id, { ...a }]));
  /** @type {Map<number, any>} customer id → its open checking account */
  const checkingOf = new Map();
  /** @type {Map<number, any>} */
  const customerById = new Map(state.customers.map((c) => [c.id, c]));
  for (const a of accounts.values()) if (a.type === 'checking' && a.status === 'open') checkingOf.set(a.customer_id, a);

  /** @type {any[]} */
  const ev = [];
  const add = (t, acct, kind, direction, amount, description, extra = {}) =>
    ev.push({ t, acct, kind, direction, amount, fee: 0, interest: 0, cp: null, loan: 0, investment: 0, description, exempt: false, ...extra });

  // ---- new customers, each with a checking account (and savings for ~35%) and a first deposit ----
  const newCustomers = [];
  const newAccounts = [];
  const joining = Math.max(1, Math.round(n * DAY_SHARES.newCustomers * rnd.uniform(0.5, 1.5)));
  const joinTimes = Array.from({ length: joining }, () => at(7, 22)).sort((a, b) => a - b);
  let accountId = state.maxIds.accounts;
  joinTimes.forEach((t, i) => {
    const id = state.maxIds.customers + 1 + i;
    const r = rnd.next();
    const profile = r < 0.6 ? 'Bronze' : r < 0.9 ? 'Gold' : 'Diamond';
    const first = rnd.pick(pools.firstNames);
    const last = rnd.pick(pools.lastNames);
    const [city, country] = rnd.pick(PLACES);
    newCustomers.push({
      id, fullName: `${first} ${last}`, email: emailOf(first, last, id, rnd.pick(pools.domains)), birthDay: D - rnd.between(18 * 365 + 10, 76 * 365),
      city, country, profile, advisorId: rnd.pick(state.advisors), createdAt: t, updatedAt: t,
    });
    const checking = { id: ++accountId, customerId: id, type: 'checking', overdraft: overdraftFor(profile, rnd.next()), closedAt: 0, openedAt: t + rnd.between(60, 600), balance: 0 };
    checking.updatedAt = checking.openedAt;
    newAccounts.push(checking);
    add(checking.openedAt + rnd.between(60, 1800), checking, 'deposit', 'credit', rnd.between(50, 1500) * 100, 'Initial deposit');
    if (rnd.chance(SAVINGS_SHARE[profile])) {
      const savings = { id: ++accountId, customerId: id, type: 'savings', overdraft: 0, closedAt: 0, openedAt: checking.openedAt + rnd.between(300, 3000), balance: 0 };
      savings.updatedAt = savings.openedAt;
      newAccounts.push(savings);
      add(savings.openedAt + rnd.between(60, 1800), savings, 'deposit', 'credit', rnd.between(100, 3000) * 100, 'Initial savings deposit');
    }
  });

  // ---- ~0.3% of customers change profile (upgrade or downgrade) today ----
  const profileChanges = [];
  const overdraftChanges = [];
  const changing = Math.max(1, Math.round(n * DAY_SHARES.profileChanges * rnd.uniform(0.7, 1.3)));
  const candidates = rnd.shuffle(state.customers.map((c) => c.id)).slice(0, Math.min(changing, n)).sort((a, b) => a - b);
  for (const id of candidates) {
    const from = customerById.get(id).profile;
    const profile = from === 'Bronze' ? (rnd.chance(0.9) ? 'Gold' : 'Diamond') : from === 'Diamond' ? 'Gold' : rnd.chance(0.6) ? 'Diamond' : 'Bronze';
    const t = at(8, 20);
    profileChanges.push({ id, profile, at: t });
    const chk = checkingOf.get(id);
    if (chk) {
      const cents = overdraftFor(profile, rnd.next());
      if (cents !== chk.overdraft) overdraftChanges.push({ id: chk.id, cents, at: t });
    }
  }

  // ---- the day's movements on existing accounts, at each account's recent rhythm ----
  const byAccount = (rows) => new Map(rows.map((r) => [r.account_id, r]));
  const activity = byAccount(state.activity);
  const salary = byAccount(state.salaries);
  const savingsDeposit = byAccount(state.savingsDeposits);
  for (const c of state.customers) {
    const chk = checkingOf.get(c.id);
    if (!chk) continue;
    const profile = c.profile;
    const pay = salary.get(chk.id);
    if (pay && pay.dom === dom) add(at(1, 6), chk, 'deposit', 'credit', Math.max(100, pay.cents + rnd.between(-20, 40) * 100), pay.description);
    const a = activity.get(chk.id);
    if (a && a.w_count > 0) {
      const avg = a.w_cents / a.w_count;
      for (let k = rnd.poisson(a.w_count / 30); k > 0; k--) {
        let amount = Math.max(100, Math.min(Math.round(avg * -Math.log(1 - rnd.next())), Math.round(avg * 3)));
        if (rnd.chance(0.2) && amount >= 2000) {
          amount = Math.floor(amount / 1000) * 1000;
          add(at(7, 23), chk, 'withdrawal', 'debit', amount, `ATM withdrawal ${rnd.pick(PLACES)[0]}`, { fee: ATM_FEE[profile] });
        } else add(at(7, 23), chk, 'withdrawal', 'debit', amount, `Card payment ${rnd.pick(pools.merchants)}`);
      }
    }
    if (a && a.p_count > 0) {
      const avg = a.p_cents / a.p_count;
      for (let k = rnd.poisson(a.p_count / 30); k > 0; k--) {
        const r = state.customers[rnd.int(n)];
        const to = checkingOf.get(r.id);
        if (r.id === c.id || !to) continue;
        const amount = Math.max(500, Math.round(avg * rnd.uniform(0.3, 1.7)));
        add(at(7, 23), chk, 'p2p_transfer', 'debit', amount, `Transfer to ${r.full_name} - ${rnd.pick(P2P_MEMOS)}`, { cp: to, fee: p2pFee(amount), from: c });
      }
    }
  }
  for (const acct of accounts.values()) {
    const dep = savingsDeposit.get(acct.id);
    if (acct.type === 'savings' && acct.status === 'open' && dep && dep.dom === dom) add(at(10, 12), acct, 'deposit', 'credit', dep.cents, 'Savings deposit');
  }
  const loanUpdates = [];
  for (const l of state.loans) {
    const disbursedDay = Math.floor(l.disbursed / DAY);
    const lastPaid = l.last_paid ? parseDay(l.last_paid) : disbursedDay;
    // overdue loans (no repayment for 40 days) stay overdue; one repayment per calendar month
    if (dom !== Math.min(28, dayOfMonth(disbursedDay)) || monthOfDay(disbursedDay) >= month || D - lastPaid > 40 || (l.paid > 0 && monthOfDay(lastPaid) === month)) continue;
    const acct = accounts.get(l.account_id);
    if (!acct || acct.status !== 'open' || l.paid >= l.term) continue;
    const remaining = l.principal - l.repaid;
    const interest = Math.round((remaining * l.rate) / 12);
    const last = l.paid + 1 === l.term;
    const amount = last ? remaining + interest : annuity(l.principal, l.rate, l.term);
    if (amount <= 0) continue;
    const t = at(4, 5);
    add(t, acct, 'loan_repayment', 'debit', amount, `Loan ${l.id} repayment ${l.paid + 1}/${l.term}`, { loan: l.id, interest, exempt: true });
    if (last) loanUpdates.push({ id: l.id, status: 'repaid', at: t });
  }
  for (const p of state.plans) {
    const acct = accounts.get(p.account_id);
    if (!acct || acct.status !== 'open' || Math.min(28, p.dom) !== dom) continue;
    const amount = p.last_buy ?? rnd.between(50, 300) * 100;
    add(at(6, 7), acct, 'investment_buy', 'debit', amount, `Buy ${p.product.replace('_', ' ')} ${p.id}`, { investment: p.id, fee: investmentFee(amount) });
  }

  // ---- a few new consumer loans, disbursed today ----
  const newLoans = [];
  const lending = rnd.poisson(n * DAY_SHARES.newLoans);
  for (let k = 0; k < lending; k++) {
    const c = state.customers[rnd.int(n)];
    const chk = checkingOf.get(c.id);
    if (!chk) continue;
    const rate = rnd.between(350, 990) / 10_000;
    const term = rnd.between(6, 36);
    const r = rate / 12;
    const principal = Math.max(50_000, Math.floor((rnd.between(60, 420) * 100 * (1 - (1 + r) ** -term)) / r / 10_000) * 10_000);
    const loan = { id: state.maxIds.loans + newLoans.length + 1, customerId: c.id, accountId: chk.id, principal, rate, term, status: 'active', disbursedAt: at(9, 18) };
    loan.updatedAt = loan.disbursedAt;
    newLoans.push(loan);
    add(loan.disbursedAt, chk, 'loan_disbursement', 'credit', principal, `Loan ${loan.id} disbursement (${rnd.pick(LOAN_PURPOSES)})`, { loan: loan.id });
  }

  // ---- apply in time order: debits that would break the overdraft are declined ----
  ev.forEach((e, i) => (e.seq = i));
  ev.sort(byTime);
  /** @type {import('./rows.mjs').Movement[]} */
  const transactions = [];
  for (const e of ev) {
    const acct = e.acct;
    if (e.direction === 'credit') acct.balance += e.amount;
    else {
      const cost = e.amount + e.fee;
      if (!e.exempt && acct.balance - cost < -acct.overdraft) continue;
      acct.balance -= cost;
    }
    transactions.push({ t: e.t, seq: transactions.length, account: acct.id, kind: e.kind, direction: e.direction, amount: e.amount, fee: e.fee, interest: e.interest, counterparty: e.cp ? e.cp.id : 0, loan: e.loan, investment: e.investment, description: e.description });
    if (e.cp) {
      e.cp.balance += e.amount;
      transactions.push({ t: e.t, seq: transactions.length, account: e.cp.id, kind: 'p2p_transfer', direction: 'credit', amount: e.amount, fee: 0, interest: 0, counterparty: acct.id, loan: 0, investment: 0, description: `Transfer from ${e.from.full_name}` });
    }
  }
  return { day: formatDay(D), customers: newCustomers, accounts: newAccounts, loans: newLoans, transactions, profileChanges, overdraftChanges, loanUpdates };
}

