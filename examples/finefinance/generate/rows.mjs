// The CSV rows COPY receives, one formatter per table of source/schema.sql. Pool values carry no
// commas or quotes (pools.mjs strips them), so no field needs quoting; an empty field is NULL.
import { formatDay, formatTimestamp, PAD2 } from './calendar.mjs';

/** cents → '123.45' (the schema only holds non-negative amounts) */
export function money(cents) {
  return `${Math.floor(cents / 100)}.${PAD2[cents % 100]}`;
}

export const COLUMNS = {
  advisors: ['advisor_id', 'full_name', 'email', 'branch', 'hired_on'],
  customers: ['customer_id', 'full_name', 'email', 'birth_date', 'city', 'country', 'profile', 'advisor_id', 'created_at', 'updated_at'],
  accounts: ['account_id', 'customer_id', 'account_type', 'currency', 'overdraft_limit', 'status', 'opened_at', 'updated_at'],
  loans: ['loan_id', 'customer_id', 'account_id', 'principal', 'annual_rate', 'term_months', 'status', 'disbursed_at', 'updated_at'],
  investments: ['investment_id', 'customer_id', 'account_id', 'product', 'status', 'opened_at', 'updated_at'],
  transactions: ['transaction_id', 'account_id', 'kind', 'direction', 'amount', 'fee', 'interest', 'counterparty_account_id', 'loan_id', 'investment_id', 'description', 'created_at'],
};

/** @typedef {{ id: number, fullName: string, email: string, branch: string, hiredOn: number }} AdvisorRow */
/** @param {AdvisorRow} a */
export const advisorRow = (a) => `${a.id},${a.fullName},${a.email},${a.branch},${formatDay(a.hiredOn)}\n`;

/**
 * @typedef {{ id: number, fullName: string, email: string, birthDay: number, city: string, country: string,
 *   profile: string, advisorId: number, createdAt: number, updatedAt: number }} CustomerRow
 * @param {CustomerRow} c
 */
export const customerRow = (c) =>
  `${c.id},${c.fullName},${c.email},${formatDay(c.birthDay)},${c.city},${c.country},${c.profile},${c.advisorId},${formatTimestamp(c.createdAt)},${formatTimestamp(c.updatedAt)}\n`;

/**
 * @typedef {{ id: number, customerId: number, type: 'checking' | 'savings', overdraft: number, closedAt: number,
 *   openedAt: number, updatedAt: number }} AccountRow
 * @param {AccountRow} a
 */
export const accountRow = (a) =>
  `${a.id},${a.customerId},${a.type},EUR,${money(a.overdraft)},${a.closedAt ? 'closed' : 'open'},${formatTimestamp(a.openedAt)},${formatTimestamp(a.updatedAt)}\n`;

/**
 * @typedef {{ id: number, customerId: number, accountId: number, principal: number, rate: number, term: number,
 *   status: string, disbursedAt: number, updatedAt: number }} LoanRow
 * @param {LoanRow} l
 */
export const loanRow = (l) =>
  `${l.id},${l.customerId},${l.accountId},${money(l.principal)},${l.rate.toFixed(4)},${l.term},${l.status},${formatTimestamp(l.disbursedAt)},${formatTimestamp(l.updatedAt)}\n`;

/**
 * @typedef {{ id: number, customerId: number, accountId: number, product: string, status: string, openedAt: number,
 *   updatedAt: number }} InvestmentRow
 * @param {InvestmentRow} i
 */
export const investmentRow = (i) =>
  `${i.id},${i.customerId},${i.accountId},${i.product},${i.status},${formatTimestamp(i.openedAt)},${formatTimestamp(i.updatedAt)}\n`;

/**
 * One movement on an account, as the simulation produces it (amounts in cents, times in epoch seconds).
 * @typedef {{ t: number, seq: number, account: number, kind: string, direction: 'credit' | 'debit', amount: number,
 *   fee: number, interest: number, counterparty: number, loan: number, investment: number, description: string }} Movement
 * @param {number} id @param {Movement} e
 */
export const transactionRow = (id, e) =>
  `${id},${e.account},${e.kind},${e.direction},${money(e.amount)},${money(e.fee)},${money(e.interest)},${e.counterparty || ''},${e.loan || ''},${e.investment || ''},${e.description},${formatTimestamp(e.t)}\n`;

/** Movements in time order; a P2P pair (pushed debit then credit) stays adjacent. */
export const byTime = (/** @type {Movement} */ a, /** @type {Movement} */ b) => a.t - b.t || a.seq - b.seq;

/** Join formatted rows into ~64 KB chunks for COPY. @template T @param {Iterable<T>} items @param {(item: T) => string} format */
export function* chunks(items, format) {
  let buf = '';
  for (const item of items) {
    buf += format(item);
    if (buf.length >= 65_536) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}
