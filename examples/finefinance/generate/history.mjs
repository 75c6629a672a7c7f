// The full history of FineFinance: who joins when, with which accounts, loans and investments
// (planHistory), then month by month every movement on every account (historyChunks), in CSV for COPY.
//
// Balances are simulated in integer cents so that they stay plausible: a customer spends out of what
// they have and earn, debits that would break the overdraft are declined, and only the customers
// chosen for it go "in the red" or show high activity, for a known number of consecutive months:
//   red        3-6 months with a negative total closing balance (within the overdraft), then recover
//   redNear    the same for 1-2 months only (to test "3+ consecutive")
//   highW      3-6 months of withdrawals ≥ 2,300 € (funded by a windfall deposit)
//   highInv    3-6 months of investment purchases ≥ 1,200 € (idem)
//   highLoan   a loan with instalments ≥ 550 €: high from the disbursement month to the end of the term
//   highNear   highW or highInv for 1-2 months only
// Everyone else stays below the thresholds: withdrawals ≤ 1,850 €/month, investment purchases ≤ 950 €,
// loan instalments ≤ 420 €, never a planned negative month end.
import { DAY, dayOfMonth, firstDayOfMonth, lastDayOfMonth, monthOfDay } from './calendar.mjs';
import {
  ATM_FEE, BIG_PURCHASES, BRANCHES, buildPools, emailOf, INCOME, investmentFee, LOAN_PURPOSES, overdraftFor,
  p2pFee, P2P_MEMOS, PLACES, SAVINGS_SHARE, WINDFALLS,
} from './pools.mjs';
import { createRandom, mixSeed, splitAmount } from './random.mjs';
import { byTime, transactionRow } from './rows.mjs';

/** Transactions per customer over 24 months: ~1M for 5,000 customers, linear in customers × months. */
export const TRANSACTIONS_PER_CUSTOMER_24M = 200;
/** Shares of customers given each designed behaviour. */
export const DESIGNED_SHARES = { red: 0.03, redNear: 0.02, high: 0.05, highNear: 0.03 };
/** Rows per active customer-month besides card payments and ATM withdrawals (salary, P2P pairs, savings, loans, investments). */
const OTHER_ROWS_PER_MONTH = 4.6;
const NORMAL_WITHDRAWAL_CAP = 185_000;
const RED_WITHDRAWAL_CAP = 195_000;
const NORMAL_BUY_CAP = 95_000;
const HOUR = 3600;

/** Monthly share of new customers: a launch base in the first month(s), then steady growth of 4% a month. */
function monthWeights(months) {
  if (months === 1) return [1];
  const base = months >= 12 ? 2 : 1;
  const growth = Array.from({ length: months - base }, (_, k) => 1.04 ** k);
  const sum = growth.reduce((a, b) => a + b, 0);
  return [...Array.from({ length: base }, () => 0.45 / base), ...growth.map((g) => (0.55 * g) / sum)];
}

function pickIndex(weights, r) {
  let acc = 0;
  for (let i = 0; i < weights.length; i++) if (r < (acc += weights[i])) return i;
  return weights.length - 1;
}

/** Monthly instalment (cents) of an annuity loan. */
export function annuity(principal, annualRate, term) {
  const r = annualRate / 12;
  return Math.round(r === 0 ? principal / term : (principal * r) / (1 - (1 + r) ** -term));
}

/**
 * @param {{ customers: number, months: number, seed: number, endDay: number }} options
 */
export function planHistory({ customers: n, months: monthCount, seed, endDay }) {
  const rnd = createRandom(mixSeed(seed, 0x46460001));
  const pools = buildPools(seed);
  const endMonth = monthOfDay(endDay);
  const months = Array.from({ length: monthCount }, (_, i) => {
    const abs = endMonth - monthCount + 1 + i;
    const start = firstDayOfMonth(abs);
    const last = lastDayOfMonth(abs);
    return { abs, start, end: Math.min(last, endDay), length: last - start + 1 };
  });
  const M = monthCount;
  const periodStart = months[0].start;
  const lastSecond = endDay * DAY + DAY - 1;
  const monthIndex = (/** @type {number} */ sec) => monthOfDay(Math.floor(sec / DAY)) - months[0].abs;
  const clock = (day, fromHour, toHour) => day * DAY + rnd.between(fromHour * HOUR, toHour * HOUR - 1);

  // ---- advisors ----
  const advisorCount = Math.max(3, Math.round(n / 100));
  const advisors = Array.from({ length: advisorCount }, (_, i) => {
    const first = rnd.pick(pools.firstNames);
    const last = rnd.pick(pools.lastNames);
    return { id: i + 1, fullName: `${first} ${last}`, email: emailOf(first, last, i + 1, 'finefinance.eu'), branch: rnd.pick(BRANCHES), hiredOn: periodStart - rnd.between(200, 12 * 365) };
  });

  // ---- customers, numbered in the order they joined ----
  const weights = monthWeights(M);
  const joins = Array.from({ length: n }, () => {
    const m = pickIndex(weights, rnd.next());
    return [clock(rnd.between(months[m].start, months[m].end), 7, 22), m];
  }).sort((a, b) => a[0] - b[0]);
  const customers = joins.map(([t, m], i) => {
    const id = i + 1;
    const r = rnd.next();
    const profile = r < 0.6 ? 'Bronze' : r < 0.9 ? 'Gold' : 'Diamond';
    const first = rnd.pick(pools.firstNames);
    const last = rnd.pick(pools.lastNames);
    const [city, country] = rnd.pick(PLACES);
    const income = rnd.between(INCOME[profile][0] / 1000, INCOME[profile][1] / 1000) * 1000;
    const day = Math.floor(t / DAY);
    return {
      id, fullName: `${first} ${last}`, email: emailOf(first, last, id, rnd.pick(pools.domains)),
      birthDay: day - rnd.between(18 * 365 + 10, 76 * 365), city, country, profile, advisorId: 1 + rnd.int(advisorCount),
      createdAt: t, updatedAt: t, createdMonth: m, createdDay: day,
      payday: rnd.between(1, 5), income, employer: rnd.pick(pools.employers),
      side: rnd.chance(0.15) ? rnd.between(100, 800) * 100 : 0, sideFrom: rnd.pick(pools.employers),
      activity: Math.exp(0.35 * rnd.gauss()), wShare: rnd.uniform(0.7, 0.85), p2pRate: rnd.uniform(0.8, 2.4),
      buffer: Math.round(income * rnd.uniform(profile === 'Diamond' ? 1 : 0.3, profile === 'Bronze' ? 1.5 : 3)),
      initialDeposit: rnd.between(50, profile === 'Diamond' ? 5000 : 1500) * 100,
      /** @type {string} */ kind: 'normal', epStart: -1, epLen: 0, /** @type {number[]} */ amounts: [], recoverTarget: 0,
      windfall: 0, windfallText: '',
      /** @type {any} */ checking: null, /** @type {any} */ savings: null, /** @type {any[]} */ loans: [], /** @type {any[]} */ investments: [],
      /** @type {{ t: number, amount: number }[]} */ pending: [], processedMonth: -1,
    };
  });
  // ~6% changed profile during the period: only the current one is stored, updated_at says when.
  for (const c of customers) {
    const from = c.createdAt + 30 * DAY;
    if (from < lastSecond - DAY && rnd.chance(0.06)) c.updatedAt = rnd.between(from, lastSecond - HOUR);
  }

  // ---- accounts: a checking account each, savings for ~35% ----
  const accounts = [];
  for (const c of customers) {
    const openedAt = c.createdAt + rnd.between(60, 600);
    c.checking = { customerId: c.id, type: 'checking', overdraft: overdraftFor(c.profile, rnd.next()), openedAt, updatedAt: c.updatedAt > c.createdAt ? c.updatedAt : openedAt, closedAt: 0, balance: 0, openMonth: c.createdMonth };
    accounts.push(c.checking);
    if (rnd.chance(SAVINGS_SHARE[c.profile])) {
      const at = rnd.chance(0.5) ? openedAt + rnd.between(300, 3000) : clock(c.createdDay + rnd.between(1, 60), 8, 22);
      if (at < lastSecond - DAY) {
        c.savings = { customerId: c.id, type: 'savings', overdraft: 0, openedAt: at, updatedAt: at, closedAt: 0, balance: 0, openMonth: monthIndex(at), initial: rnd.between(100, 3000) * 100, monthly: rnd.between(50, 400) * 100 };
        accounts.push(c.savings);
      }
    }
  }

  // ---- the designed behaviours ----
  const designed = { red: 0, redNear: 0, highW: 0, highInv: 0, highLoan: 0, highNear: 0 };
  const assign = (count, eligible, kind, setup) => {
    const pool = rnd.shuffle(customers.filter((c) => c.kind === 'normal' && eligible(c)));
    for (const c of pool.slice(0, count)) {
      c.kind = kind;
      setup(c);
      designed[kind.startsWith('high') && kind.endsWith('Near') ? 'highNear' : kind]++;
    }
  };
  const canRed = (c) => c.checking.overdraft >= 20_000 && c.profile !== 'Diamond' && !c.savings;
  const episode = (c, minLen, maxLen, lastStart) => {
    c.epStart = rnd.between(c.createdMonth + 1, lastStart);
    c.epLen = Math.min(rnd.between(minLen, maxLen), M - c.epStart);
  };
  const redSetup = (c) => {
    c.amounts = Array.from({ length: c.epLen }, () => -Math.round(c.checking.overdraft * rnd.uniform(0.25, 0.75)));
    c.recoverTarget = rnd.between(50, 300) * 100;
    c.buffer = Math.round(c.income * rnd.uniform(0.05, 0.25));
  };
  const windfall = (c, total) => {
    c.windfall = Math.round((total * 1.01 + rnd.between(200, 2000) * 100) / 10_000) * 10_000;
    c.windfallText = rnd.pick(WINDFALLS);
  };
  const highW = (c) => {
    c.amounts = Array.from({ length: c.epLen }, () => rnd.between(2300, 4500) * 100);
    windfall(c, c.amounts.reduce((a, b) => a + b, 0));
  };
  const highInv = (c) => {
    c.amounts = Array.from({ length: c.epLen }, () => rnd.between(1200, 3000) * 100);
    windfall(c, c.amounts.reduce((a, b) => a + investmentFee(b) + b, 0));
  };
  assign(Math.round(n * DESIGNED_SHARES.red), (c) => canRed(c) && c.createdMonth <= M - 4, 'red', (c) => (episode(c, 3, 6, M - 3), redSetup(c)));
  assign(Math.round(n * DESIGNED_SHARES.redNear), (c) => canRed(c) && c.createdMonth <= M - 3, 'redNear', (c) => {
    c.epLen = rnd.between(1, 2);
    if (c.createdMonth + 1 > M - 1 - c.epLen) c.epLen = 1;
    c.epStart = rnd.between(c.createdMonth + 1, M - 1 - c.epLen);
    redSetup(c);
  });
  const highCount = Math.round(n * DESIGNED_SHARES.high);
  const loanCount = Math.round(highCount * 0.35);
  const wCount = Math.round(highCount * 0.35);
  assign(loanCount, (c) => c.createdMonth <= M - 4 && c.income >= 180_000, 'highLoan', (c) => {
    c.epStart = rnd.between(c.createdMonth + 1, M - 3);
    c.epLen = M - c.epStart;
  });
  assign(wCount, (c) => c.createdMonth <= M - 4, 'highW', (c) => (episode(c, 3, 6, M - 3), highW(c)));
  assign(highCount - loanCount - wCount, (c) => c.createdMonth <= M - 4, 'highInv', (c) => (episode(c, 3, 6, M - 3), highInv(c)));
  const nearCount = Math.round(n * DESIGNED_SHARES.highNear);
  assign(Math.ceil(nearCount / 2), (c) => c.createdMonth <= M - 2, 'highWNear', (c) => {
    c.epLen = rnd.between(1, 2);
    c.epStart = rnd.between(c.createdMonth + 1, Math.max(c.createdMonth + 1, M - c.epLen));
    c.epLen = Math.min(c.epLen, M - c.epStart);
    highW(c);
  });
  assign(Math.floor(nearCount / 2), (c) => c.createdMonth <= M - 2, 'highInvNear', (c) => {
    c.epLen = rnd.between(1, 2);
    c.epStart = rnd.between(c.createdMonth + 1, Math.max(c.createdMonth + 1, M - c.epLen));
    c.epLen = Math.min(c.epLen, M - c.epStart);
    highInv(c);
  });

  // ---- savings closures (ordinary customers only: the payout is a large withdrawal) ----
  for (const c of customers) {
    const s = c.savings;
    if (!s || c.kind !== 'normal' || !rnd.chance(0.04)) continue;
    const from = s.openedAt + 120 * DAY;
    if (from < lastSecond - DAY) s.closedAt = s.updatedAt = rnd.between(from, lastSecond - HOUR);
  }

  // ---- loans ----
  const loans = [];
  const planLoan = (c, m, installmentTarget, term, rate, purchaseShare, mayDefault) => {
    const mo = months[m];
    const disbursedAt = clock(rnd.between(mo.start, mo.end), 9, 18);
    const r = rate / 12;
    const principal = Math.max(50_000, Math.floor((installmentTarget * (1 - (1 + r) ** -term)) / r / 10_000) * 10_000);
    const loan = {
      customerId: c.id, account: c.checking, principal, rate, term, installment: annuity(principal, rate, term), disbursedAt, disbMonth: m,
      status: 'active', updatedAt: disbursedAt, remaining: principal, paid: 0, purpose: rnd.pick(LOAN_PURPOSES),
      purchase: purchaseShare > 0 ? Math.round((principal * purchaseShare) / 100) * 100 : 0, merchant: rnd.pick(pools.merchants),
      /** @type {Map<number, number>} month → repayment time */ payAt: new Map(),
    };
    const dom = Math.min(28, dayOfMonth(Math.floor(disbursedAt / DAY)));
    const due = [];
    for (let k = 1; k <= term; k++) {
      const day = firstDayOfMonth(months[0].abs + m + k) + dom - 1;
      due.push(day);
    }
    let paid = due.filter((day) => day <= endDay).length;
    if (mayDefault && paid >= 3 && rnd.chance(0.05)) {
      paid = rnd.between(1, paid - 1);
      const defaultedOn = due[paid] + 30;
      if (defaultedOn <= endDay) (loan.status = 'defaulted'), (loan.updatedAt = clock(defaultedOn, 8, 18));
    }
    for (let k = 0; k < paid; k++) loan.payAt.set(m + 1 + k, due[k] * DAY + rnd.between(4 * HOUR, 5 * HOUR));
    if (paid === term) (loan.status = 'repaid'), (loan.updatedAt = loan.payAt.get(m + term));
    c.loans.push(loan);
    loans.push(loan);
  };
  const LOAN_SHARE = { Bronze: 0.07, Gold: 0.1, Diamond: 0.08 };
  for (const c of customers) {
    if (c.kind === 'highLoan') {
      const target = rnd.between(570, Math.max(650, Math.floor((0.4 * c.income) / 100))) * 100;
      planLoan(c, c.epStart, target, rnd.between(24, 60), rnd.between(350, 790) / 10_000, rnd.uniform(0.8, 1), false);
    } else if (c.kind === 'normal' && c.createdMonth <= M - 2 && rnd.chance(LOAN_SHARE[c.profile])) {
      const rate = rnd.between(c.profile === 'Bronze' ? 450 : 350, 990) / 10_000;
      planLoan(c, rnd.between(c.createdMonth + 1, M - 1), rnd.between(60, 420) * 100, rnd.between(6, 36), rate, rnd.chance(0.6) ? rnd.uniform(0.7, 1) : 0, true);
    }
  }

  // ---- investments ----
  const investments = [];
  const INVEST_SHARE = { Bronze: 0.08, Gold: 0.2, Diamond: 0.45 };
  for (const c of customers) {
    if (c.kind === 'red' || c.kind === 'redNear') continue;
    if (c.kind === 'highInv' || c.kind === 'highInvNear') {
      const mo = months[c.epStart];
      const day = Math.min(mo.start + 1, mo.end);
      /** @type {Map<number, [number, number][]>} */
      const buys = new Map();
      c.amounts.forEach((amount, k) => {
        const m = c.epStart + k;
        const parts = splitAmount(rnd, amount, rnd.between(1, 2), 50_000);
        const lo = Math.min(months[m].start + 1, months[m].end);
        buys.set(m, parts.map((p) => [clock(rnd.between(lo, months[m].end), 9, 20), p]));
      });
      const openedAt = Math.min(day * DAY + 9 * HOUR, ...[...buys.values()].flat().map(([t]) => t - 600));
      const inv = { customerId: c.id, account: c.checking, product: rnd.chance(0.5) ? 'etf' : 'equity_fund', openedAt, updatedAt: openedAt, openMonth: c.epStart, closeAt: 0, closeFailed: false, basis: 0, initial: 0, monthly: 0, planDom: 0, high: buys };
      c.investments.push(inv);
      investments.push(inv);
    }
    if (!rnd.chance(INVEST_SHARE[c.profile])) continue;
    const count = c.profile === 'Diamond' && rnd.chance(0.3) ? 2 : 1;
    for (let k = 0; k < count; k++) {
      const m = rnd.between(c.createdMonth, M - 1);
      const lo = Math.max(months[m].start, c.createdDay + 1);
      if (lo > months[m].end) continue;
      const openedAt = clock(rnd.between(lo, months[m].end), 9, 21);
      const r = rnd.next();
      const product = r < 0.4 ? 'savings_plan' : r < 0.65 ? 'etf' : r < 0.85 ? 'equity_fund' : 'bonds';
      const s = c.savings;
      const account = s && !s.closedAt && s.openedAt < openedAt && rnd.chance(0.4) ? s : c.checking;
      const closeFrom = openedAt + 90 * DAY;
      const closeAt = closeFrom < lastSecond - DAY && rnd.chance(0.2) ? rnd.between(closeFrom, lastSecond - HOUR) : 0;
      const inv = {
        customerId: c.id, account, product, openedAt, updatedAt: closeAt || openedAt, openMonth: m, closeAt, closeFailed: false, basis: 0,
        initial: product === 'savings_plan' ? 0 : rnd.between(300, 900) * 100, monthly: product === 'savings_plan' ? rnd.between(50, 300) * 100 : 0,
        planDom: Math.min(28, dayOfMonth(Math.floor(openedAt / DAY))), high: null,
      };
      c.investments.push(inv);
      investments.push(inv);
    }
  }

  // ---- ids in creation order, as a serial column would give them ----
  const number = (rows, key) => rows.sort((a, b) => a[key] - b[key] || a.customerId - b.customerId).forEach((row, i) => (row.id = i + 1));
  number(accounts, 'openedAt');
  number(loans, 'disbursedAt');
  number(investments, 'openedAt');

  // ---- withdrawals per active customer-month, calibrated to the transaction target ----
  let activeMonths = 0;
  let weighted = 0;
  for (const c of customers) {
    for (let m = c.createdMonth; m < M; m++) {
      const from = m === c.createdMonth ? c.createdDay + 1 : months[m].start;
      const frac = Math.max(0, months[m].end - from + 1) / months[m].length;
      activeMonths += frac;
      weighted += frac * c.activity;
    }
  }
  const target = Math.round((TRANSACTIONS_PER_CUSTOMER_24M * n * M) / 24);
  const withdrawalsPerMonth = Math.max(1.5, (target - OTHER_ROWS_PER_MONTH * activeMonths) / Math.max(1, weighted));

  /** customers' join times, for picking P2P counterparties who already exist */
  const joinTimes = Float64Array.from(customers, (c) => c.createdAt);
  return { rnd, pools, months, endDay, advisors, customers, accounts, loans, investments, designed, withdrawalsPerMonth, joinTimes, target, transactions: 0 };
}

/** @typedef {ReturnType<typeof planHistory>} History */

const inEpisode = (c, m) => m >= c.epStart && m < c.epStart + c.epLen;
const isRed = (c) => c.kind === 'red' || c.kind === 'redNear';

/** Number of customers who joined before `t` (binary search over join times). */
function joinedBefore(times, t) {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One customer's month: plan the movements, then apply them in time order to the balances, declining
 * debits that would break the overdraft; accepted movements go to `out`.
 * @param {History} h
 */
function simulateCustomerMonth(h, c, m, out) {
  const { rnd, months, pools } = h;
  const mo = months[m];
  const chk = c.checking;
  const sav = c.savings;
  const first = c.createdMonth === m;
  const from = first ? c.createdDay + 1 : mo.start;
  const frac = Math.max(0, mo.end - from + 1) / mo.length;
  const monthEndSec = mo.end * DAY + 23 * HOUR;
  const nextMonth = (mo.end + 1) * DAY;
  /** @type {any[]} */
  const ev = [];
  const add = (t, acct, kind, direction, amount, description, extra) => {
    const e = { t, acct, kind, direction, amount, fee: 0, interest: 0, cp: null, receiver: null, loan: null, inv: null, description, exempt: false, special: '', share: 0, pendingOnly: false, ...extra };
    ev.push(e);
    return e;
  };
  let credits = 0; // planned credits on the checking account
  let fixed = 0; // planned debits on it besides everyday spending

  if (first) credits += add(chk.openedAt + rnd.between(60, 1800), chk, 'deposit', 'credit', c.initialDeposit, 'Initial deposit').amount;
  if (sav && sav.openMonth === m) add(sav.openedAt + rnd.between(60, 1800), sav, 'deposit', 'credit', sav.initial, 'Initial savings deposit');

  const payDay = mo.start + c.payday - 1;
  let income = 0;
  if (payDay >= from && payDay <= mo.end) {
    income = c.income + rnd.between(-20, 40) * 100;
    credits += add(payDay * DAY + rnd.between(1 * HOUR, 6 * HOUR), chk, 'deposit', 'credit', income, `Salary ${c.employer}`).amount;
  }
  if (c.side && from <= mo.end && rnd.chance(0.6)) {
    credits += add(rnd.between(from, mo.end) * DAY + rnd.between(9 * HOUR, 18 * HOUR), chk, 'deposit', 'credit', Math.round(c.side * rnd.uniform(0.6, 1.4)), `Invoice paid by ${c.sideFrom}`).amount;
  }
  if (c.windfall && m === c.epStart) credits += add(mo.start * DAY + rnd.between(7 * HOUR, 8 * HOUR), chk, 'deposit', 'credit', c.windfall, c.windfallText).amount;
  if (sav && m > sav.openMonth) {
    const t = Math.min(mo.start + c.payday, mo.end) * DAY + rnd.between(10 * HOUR, 12 * HOUR);
    if (!sav.closedAt || t < sav.closedAt) add(t, sav, 'deposit', 'credit', sav.monthly + rnd.between(-5, 10) * 500, 'Savings deposit');
  }
  if (sav && sav.closedAt && sav.closedAt >= mo.start * DAY && sav.closedAt < nextMonth) {
    add(sav.closedAt - 60, sav, 'withdrawal', 'debit', 0, 'Savings account closure payout', { special: 'closeAll', exempt: true });
  }

  for (const loan of c.loans) {
    if (loan.disbMonth === m) {
      credits += add(loan.disbursedAt, chk, 'loan_disbursement', 'credit', loan.principal, `Loan ${loan.id} disbursement (${loan.purpose})`, { loan }).amount;
      if (loan.purchase) {
        const t = Math.min(loan.disbursedAt + rnd.between(HOUR, 3 * DAY), monthEndSec);
        fixed += add(t, chk, 'withdrawal', 'debit', loan.purchase, `Card payment ${loan.merchant}`, { exempt: true }).amount;
      }
    }
    const due = loan.payAt.get(m);
    if (due) {
      loan.paid++;
      const interest = Math.round((loan.remaining * loan.rate) / 12);
      const amount = loan.paid === loan.term ? loan.remaining + interest : loan.installment;
      loan.remaining -= amount - interest;
      fixed += add(due, chk, 'loan_repayment', 'debit', amount, `Loan ${loan.id} repayment ${loan.paid}/${loan.term}`, { loan, interest, exempt: true }).amount;
    }
  }

  let normalBuys = 0;
  const buy = (inv, t, amount, exempt) => {
    const fee = investmentFee(amount);
    add(t, inv.account, 'investment_buy', 'debit', amount, `Buy ${inv.product.replace('_', ' ')} ${inv.id}`, { inv, fee, exempt });
    if (inv.account === chk) fixed += amount + fee;
  };
  for (const inv of c.investments) {
    if (m < inv.openMonth || (inv.closeAt && inv.closeAt < mo.start * DAY)) continue;
    if (inv.high) {
      for (const [t, amount] of inv.high.get(m) ?? []) buy(inv, t, amount, true);
      continue;
    }
    /** @type {[number, number][]} */
    const buys = [];
    if (inv.openMonth === m && inv.initial) buys.push([inv.openedAt + rnd.between(60, 600), inv.initial]);
    if (inv.monthly) {
      const day = mo.start + inv.planDom - 1;
      const t = day * DAY + rnd.between(6 * HOUR, 7 * HOUR);
      if (day <= mo.end && t > inv.openedAt) buys.push([t, inv.monthly]);
    } else if (m > inv.openMonth && rnd.chance(0.08)) {
      buys.push([timeIn(rnd, mo.start, mo.end), rnd.between(100, 400) * 100]);
    }
    for (const [t, amount] of buys) {
      if ((inv.closeAt && t >= inv.closeAt) || normalBuys + amount > NORMAL_BUY_CAP) continue;
      normalBuys += amount;
      buy(inv, t, amount, false);
    }
    if (inv.closeAt && inv.closeAt < nextMonth) {
      add(inv.closeAt, inv.account, 'investment_sell', 'credit', 0, `Sell ${inv.product.replace('_', ' ')} ${inv.id} (closing)`, { inv, special: 'sellAll' });
    } else if (m > inv.openMonth && rnd.chance(0.02)) {
      add(timeIn(rnd, mo.start, mo.end), inv.account, 'investment_sell', 'credit', 0, `Sell ${inv.product.replace('_', ' ')} ${inv.id}`, { inv, special: 'sellPart', share: rnd.uniform(0.2, 0.5) });
    }
  }

  const high = inEpisode(c, m) && (c.kind === 'highW' || c.kind === 'highWNear');
  if (high) {
    const lo = Math.min(mo.start + 1, mo.end);
    for (const amount of splitAmount(rnd, c.amounts[m - c.epStart], rnd.between(2, 5), 20_000)) {
      fixed += add(timeIn(rnd, lo, mo.end), chk, 'withdrawal', 'debit', amount, rnd.pick(BIG_PURCHASES), { exempt: true }).amount;
    }
  }

  for (const p of c.pending) {
    ev.push({ t: p.t, acct: chk, amount: p.amount, direction: 'credit', pendingOnly: true });
    credits += p.amount;
  }
  c.pending = [];

  // ---- everyday spending: card payments, ATM withdrawals and P2P transfers ----
  const available = chk.balance + credits - fixed;
  const red = isRed(c) && inEpisode(c, m);
  const recovering = isRed(c) && m === c.epStart + c.epLen;
  let spend;
  if (red) spend = available - c.amounts[m - c.epStart];
  else if (recovering) spend = available - c.recoverTarget;
  else {
    spend = Math.min(Math.max(available - c.buffer, 0.5 * c.income * frac), 1.15 * c.income * frac);
    spend = Math.min(spend, available - 5000);
  }
  spend = Math.max(0, Math.round(spend));
  const lo = red || recovering ? Math.max(from, payDay + 1) : from;
  if (lo > mo.end) spend = 0;
  const cap = red ? RED_WITHDRAWAL_CAP : NORMAL_WITHDRAWAL_CAP;
  let withdrawals = Math.min(Math.round(spend * c.wShare), cap);
  let transfers = red ? spend - withdrawals : Math.min(spend - withdrawals, 90_000);
  let p2pCount = rnd.poisson(c.p2pRate * frac);
  if (red) p2pCount = Math.max(p2pCount, Math.ceil(transfers / 60_000));
  else if (p2pCount === 0) (withdrawals = Math.min(withdrawals + transfers, cap)), (transfers = 0);
  if (withdrawals > 0) {
    const count = Math.max(1, rnd.poisson(h.withdrawalsPerMonth * c.activity * frac));
    for (let amount of splitAmount(rnd, withdrawals, count, 100)) {
      const t = timeIn(rnd, lo, mo.end);
      if (rnd.chance(0.2) && amount >= 2000) {
        amount = Math.floor(amount / 1000) * 1000;
        add(t, chk, 'withdrawal', 'debit', amount, `ATM withdrawal ${rnd.pick(PLACES)[0]}`, { fee: ATM_FEE[c.profile] });
      } else {
        add(t, chk, 'withdrawal', 'debit', amount, `Card payment ${rnd.pick(pools.merchants)}`);
      }
    }
  }
  if (transfers > 0 && p2pCount > 0) {
    for (const amount of splitAmount(rnd, transfers, p2pCount, 500)) {
      const t = timeIn(rnd, lo, mo.end);
      const bound = joinedBefore(h.joinTimes, t - HOUR);
      for (let tries = 0; tries < 6 && bound > 1; tries++) {
        const r = h.customers[rnd.int(bound)];
        if (r === c || (isRed(r) && (inEpisode(r, m) || m === r.epStart + r.epLen))) continue;
        add(t, chk, 'p2p_transfer', 'debit', amount, `Transfer to ${r.fullName} - ${rnd.pick(P2P_MEMOS)}`, { cp: r.checking, receiver: r, fee: p2pFee(amount) });
        break;
      }
    }
  }

  // ---- apply in time order ----
  ev.sort((a, b) => a.t - b.t);
  for (const e of ev) {
    const acct = e.acct;
    if (e.pendingOnly) {
      acct.balance += e.amount;
      continue;
    }
    if (e.special === 'closeAll') {
      if ((e.amount = acct.balance) <= 0) continue;
    } else if (e.special === 'sellAll') {
      e.amount = Math.round(e.inv.basis * rnd.uniform(0.92, 1.3));
      e.inv.basis = 0;
      if (e.amount <= 0) {
        e.inv.closeFailed = true;
        continue;
      }
    } else if (e.special === 'sellPart') {
      const part = Math.round(e.inv.basis * e.share);
      if (part < 1000) continue;
      e.inv.basis -= part;
      e.amount = Math.round(part * rnd.uniform(0.95, 1.2));
    }
    if (e.direction === 'credit') acct.balance += e.amount;
    else {
      const cost = e.amount + e.fee;
      if (!e.exempt && acct.balance - cost < -acct.overdraft) continue; // declined
      acct.balance -= cost;
    }
    if (e.kind === 'investment_buy') e.inv.basis += e.amount;
    out.push({ t: e.t, seq: out.length, account: acct.id, kind: e.kind, direction: e.direction, amount: e.amount, fee: e.fee, interest: e.interest, counterparty: e.cp ? e.cp.id : 0, loan: e.loan ? e.loan.id : 0, investment: e.inv ? e.inv.id : 0, description: e.description });
    if (e.receiver) {
      const r = e.receiver;
      out.push({ t: e.t, seq: out.length, account: r.checking.id, kind: 'p2p_transfer', direction: 'credit', amount: e.amount, fee: 0, interest: 0, counterparty: acct.id, loan: 0, investment: 0, description: `Transfer from ${c.fullName}` });
      if (r.processedMonth === m) r.checking.balance += e.amount;
      else r.pending.push({ t: e.t, amount: e.amount });
    }
  }
  c.processedMonth = m;
}

/** A random second between 07:00 and 23:00 of a random day in [fromDay, toDay]. */
function timeIn(rnd, fromDay, toDay) {
  return rnd.between(fromDay, toDay) * DAY + rnd.between(7 * HOUR, 23 * HOUR - 1);
}

/**
 * The transactions as CSV chunks (~64 KB), month by month, ids in time order.
 * @param {History} h @param {(month: number, rows: number) => void} [onMonth]
 * @returns {Generator<string>}
 */
export function* historyChunks(h, onMonth) {
  let id = 0;
  let buf = '';
  for (let m = 0; m < h.months.length; m++) {
    /** @type {import('./rows.mjs').Movement[]} */
    const out = [];
    for (const c of h.customers) {
      if (c.createdMonth > m) break;
      simulateCustomerMonth(h, c, m, out);
    }
    out.sort(byTime);
    for (const e of out) {
      buf += transactionRow(++id, e);
      if (buf.length >= 65_536) {
        yield buf;
        buf = '';
      }
    }
    onMonth?.(m, out.length);
  }
  if (buf) yield buf;
  h.transactions = id;
}
