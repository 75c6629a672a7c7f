#!/usr/bin/env node
// Lumiere Financiers: synthetic subscription billing data with revenue leakage injected on purpose.
//
//   node examples/lumiere/generate/generate.mjs --rows 1500000 --seed 42 [--out examples/lumiere/seeds]
//
// Writes three CSV seeds (the bronze layer):
//   raw_customers.csv      the CRM export: one row per subscriber (dirty dates, statuses, logins)
//   raw_payments.csv       exactly --rows billing records from four gateways (dirty on purpose)
//   injected_findings.csv  what was injected, computed from the clean truth, for the singular tests
//
// Plain ESM JavaScript (Node 20 cannot run TypeScript directly); types are JSDoc.
// Determinism: one mulberry32 stream drives every choice; Faker is seeded once and only builds
// pools of names, companies, cities and domains (never one Faker call per row).
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { faker } from '@faker-js/faker/locale/en';

/** The reporting date: logins, churn and the last billing month are relative to it (project var `as_of_date`). */
export const AS_OF = { year: 2025, month: 6, day: 30 };

/** @typedef {{ tier: string, cents: number, share: number, names: string[], underCents: number }} Plan */
/** @type {Plan[]} under-charges bill a Premium at the Pro price, a Pro at the Basic price, a Basic at the grandfathered $12.99 */
export const PLANS = [
  { tier: 'Basic', cents: 1599, share: 0.5, underCents: 1299, names: ['Basic', 'basic', 'BASIC', ' Basic ', 'basic  ', 'Basic (Retail)'] },
  { tier: 'Pro', cents: 1999, share: 0.32, underCents: 1599, names: ['Pro', 'pro', 'PRO', ' Pro', 'Pro (Wealth)', 'pro '] },
  { tier: 'Premium', cents: 2999, share: 0.18, underCents: 1999, names: ['Premium', 'premium', 'PREMIUM', 'Premium ', ' premium', 'Premium (Private Client)'] },
];

/**
 * @typedef {{ name: string, family: 'legacy' | 'modern', share: number, failRate: number, unbilledRate: number,
 *   underRate: number, negativeRate: number, spellings: string[], ok: string[], fail: string[], idPrefix: string,
 *   timeFormats: Array<'us' | 'epoch' | 'iso' | 'sql'> }} Gateway
 */
/** @type {Gateway[]} modern family: 0.30·0.20 + 0.25·0.27 + 0.15·0.22 = 0.1605 of 0.70 → 0.2293 */
export const GATEWAYS = [
  {
    name: 'Legacy Internal', family: 'legacy', share: 0.3, failRate: 0.6, unbilledRate: 0.04, underRate: 0.06, negativeRate: 0.08,
    spellings: ['Legacy Internal', 'LEGACY_INTERNAL', 'legacy-internal', 'Internal Billing', 'INTERNAL', 'lgcy_int'],
    ok: ['OK', 'ok', 'OK '], fail: ['ERR', 'err', 'ERROR'], idPrefix: 'LGC-', timeFormats: ['us', 'us', 'epoch'],
  },
  {
    name: 'Stripe', family: 'modern', share: 0.3, failRate: 0.2, unbilledRate: 0.01, underRate: 0.02, negativeRate: 0,
    spellings: ['Stripe', 'stripe', 'STRIPE', 'Stripe Inc.', 'stripe_v2'],
    ok: ['succeeded'], fail: ['failed'], idPrefix: 'ch_', timeFormats: ['epoch', 'iso'],
  },
  {
    name: 'PayPal', family: 'modern', share: 0.25, failRate: 0.27, unbilledRate: 0.01, underRate: 0.02, negativeRate: 0,
    spellings: ['PayPal', 'paypal', 'Pay Pal', 'PAYPAL', 'paypal_express'],
    ok: ['COMPLETED', 'Completed'], fail: ['DENIED', 'Denied'], idPrefix: 'PAYID-', timeFormats: ['iso'],
  },
  {
    name: 'Adyen', family: 'modern', share: 0.15, failRate: 0.22, unbilledRate: 0.01, underRate: 0.02, negativeRate: 0,
    spellings: ['Adyen', 'adyen', 'ADYEN', 'Adyen N.V.'],
    ok: ['Authorised'], fail: ['Refused'], idPrefix: 'ADY', timeFormats: ['sql', 'iso'],
  },
];

/** Failure risk by tenure (months since signup): new subscribers fail more. Normalised so each gateway keeps its rate. */
export const TENURE_BANDS = [
  { label: '0-3 months', order: 1, max: 3, weight: 1.35 },
  { label: '4-12 months', order: 2, max: 12, weight: 1.1 },
  { label: '13-24 months', order: 3, max: 24, weight: 0.9 },
  { label: '25-36 months', order: 4, max: 36, weight: 0.7 },
];

export const MAX_TENURE = 36;
const INACTIVE_SHARE = 0.35;
const CHURN_IF_INACTIVE = 0.42;
const CHURN_IF_ACTIVE = 0.11;
const PLAN_CHANGE_RATE = 0.1;
const DUPLICATE_RATE = 0.015;
const MISSING_LOGIN_RATE = 0.05;
const FUTURE_LOGIN_RATE = 0.02;

/** @param {number} seed */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm): no Date objects in the hot loop. */
export function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** @param {number} z days since 1970-01-01 @returns {[number, number, number]} */
export function civilFromDays(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const PAD2 = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
const MONTH_ABBR = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Which tenure band a tenure (in months, 1..36) falls in. */
export function bandOf(tenure) {
  for (let i = 0; i < TENURE_BANDS.length; i++) if (tenure <= TENURE_BANDS[i].max) return i;
  return TENURE_BANDS.length - 1;
}

/**
 * The mean tenure weight over billing cycles, from the exact distribution the generator draws from
 * (signup 1..36 months ago, churn, cycles), so that dividing by it keeps each gateway's failure rate.
 */
export function meanTenureWeight() {
  const pChurn = INACTIVE_SHARE * CHURN_IF_INACTIVE + (1 - INACTIVE_SHARE) * CHURN_IF_ACTIVE;
  const w = (j) => TENURE_BANDS[bandOf(j)].weight;
  let num = 0;
  let den = 0;
  for (let s = 1; s <= MAX_TENURE; s++) {
    const pc = s >= 2 ? pChurn : 0;
    // not churned: cycles 1..s
    for (let j = 1; j <= s; j++) (num += (1 - pc) * w(j)), (den += 1 - pc);
    // churned: k uniform in 1..s-1, cycles 1..k
    for (let k = 1; k < s; k++) for (let j = 1; j <= k; j++) (num += (pc / (s - 1)) * w(j)), (den += pc / (s - 1));
  }
  return num / den;
}

/** A CSV field, quoted only when it must be. */
function csv(v) {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Pick from cumulative shares. */
function pickShare(r, items) {
  let acc = 0;
  for (let i = 0; i < items.length; i++) {
    acc += items[i].share;
    if (r < acc) return i;
  }
  return items.length - 1;
}

/** A writer that joins lines into large chunks and respects the stream's backpressure. */
function chunkedWriter(file) {
  const stream = createWriteStream(file, { highWaterMark: 1 << 22 });
  /** @type {string[]} */
  let lines = [];
  const flush = async () => {
    if (lines.length === 0) return;
    const ok = stream.write(lines.join('\n') + '\n');
    lines = [];
    if (!ok) await new Promise((resolve) => stream.once('drain', resolve));
  };
  return {
    /** @param {string} line */
    push(line) {
      lines.push(line);
      return lines.length >= 20000;
    },
    flush,
    async close() {
      await flush();
      await new Promise((resolve, reject) => stream.end((/** @type {Error|undefined} */ e) => (e ? reject(e) : resolve(undefined))));
    },
  };
}

/**
 * @param {{ rows?: number, seed?: number, out: string, log?: (msg: string) => void }} options
 * @returns {Promise<{ rows: number, customers: number, duplicates: number, files: string[], seconds: number }>}
 */
export async function generate({ rows = 1_500_000, seed = 42, out, log = () => {} }) {
  const started = performance.now();
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, got ${rows}`);
  mkdirSync(out, { recursive: true });
  const rand = mulberry32(seed);
  const int = (n) => Math.floor(rand() * n);
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];

  // ---- value pools, built once with a seeded Faker ----
  faker.seed(seed);
  const firstNames = Array.from({ length: 1500 }, () => faker.person.firstName());
  const lastNames = Array.from({ length: 2500 }, () => faker.person.lastName());
  const companies = Array.from({ length: 4000 }, () => csv(faker.company.name()));
  const cities = Array.from({ length: 1200 }, () => csv(faker.location.city()));
  const domains = [...Array.from({ length: 300 }, () => faker.internet.domainName()), 'gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com'];
  const emailPart = (s) => s.toLowerCase().replace(/[^a-z]/g, '');

  // ---- dates as integers ----
  const asOfMonth = AS_OF.year * 12 + (AS_OF.month - 1); // absolute month index
  const asOfDay = daysFromCivil(AS_OF.year, AS_OF.month, AS_OF.day);
  const yearStr = new Map();
  const ys = (y) => yearStr.get(y) ?? (yearStr.set(y, String(y)), String(y));
  /** @param {number} dayNum @param {number} secs */
  const timestamp = (fmt, y, m, d, dayNum, secs) => {
    const hh = Math.floor(secs / 3600);
    const mi = Math.floor(secs / 60) % 60;
    const ss = secs % 60;
    switch (fmt) {
      case 'us': return `${PAD2[m]}/${PAD2[d]}/${ys(y)} ${PAD2[hh]}:${PAD2[mi]}`;
      case 'epoch': return String(dayNum * 86400 + secs);
      case 'iso': return `${ys(y)}-${PAD2[m]}-${PAD2[d]}T${PAD2[hh]}:${PAD2[mi]}:${PAD2[ss]}Z`;
      default: return `${ys(y)}-${PAD2[m]}-${PAD2[d]} ${PAD2[hh]}:${PAD2[mi]}:${PAD2[ss]}`;
    }
  };
  const money = (cents) => `${Math.floor(cents / 100)}.${PAD2[cents % 100]}`;
  const priceText = PLANS.map((p) => [`"$${money(p.cents)}"`, `"${money(p.cents)}"`, money(p.cents)]);

  // ---- the truth, in integer cents ----
  const gw = GATEWAYS.map((g) => ({ attempts: 0, failed: 0, failedCents: 0, collectedCents: 0 }));
  const plan = PLANS.map(() => ({ cycles: 0, expected: 0, collected: 0, failed: 0, under: 0, unbilled: 0 }));
  const band = TENURE_BANDS.map(() => ({ attempts: 0, failed: 0 }));
  const segment = { active: { customers: 0, churned: 0 }, inactive: { customers: 0, churned: 0 }, unknown: { customers: 0, churned: 0 } };
  const norm = meanTenureWeight();
  const failP = GATEWAYS.map((g) => TENURE_BANDS.map((b) => g.failRate * (b.weight / norm)));

  const customersFile = path.join(out, 'raw_customers.csv');
  const paymentsFile = path.join(out, 'raw_payments.csv');
  const findingsFile = path.join(out, 'injected_findings.csv');
  const customersOut = chunkedWriter(customersFile);
  const paymentsOut = chunkedWriter(paymentsFile);
  customersOut.push('customer_id,full_name,email,company,city,signup_date,last_login,subscription_status');
  paymentsOut.push('payment_id,customer_id,plan_name,plan_price,amount,status,gateway,billed_at');

  let written = 0;
  let duplicates = 0;
  let customers = 0;
  let paymentSeq = 0;

  /** One dirty CSV line for a billing record; called again with fresh formatting for a duplicate. */
  const paymentLine = (payId, custId, p, g, outcome, chargedCents, y, m, d, dayNum, secs) => {
    const P = PLANS[p];
    const G = GATEWAYS[g];
    // plan name and price: never both missing, so the tier is always recoverable
    const r = rand();
    const planName = r < 0.03 ? '' : pick(P.names);
    const price = r >= 0.03 && r < 0.07 ? '' : priceText[p][int(3)];
    let amount;
    let status;
    if (outcome === 2) {
      status = pick(G.ok); // an unbilled renewal: "processed", nothing charged
      amount = pick(['0.00', '0', '$0.00', '']);
    } else if (outcome === 1) {
      status = pick(G.fail);
      const t = int(3);
      amount = t === 0 ? '' : t === 1 ? '0.00' : money(P.cents); // some gateways report the attempted amount
    } else {
      status = pick(G.ok);
      const neg = G.negativeRate > 0 && rand() < G.negativeRate ? '-' : ''; // legacy ledger exports debits as negatives
      amount = rand() < 0.3 ? `"${neg}$${money(chargedCents)}"` : neg + money(chargedCents);
    }
    return [payId, custId, planName, price, amount, status, pick(G.spellings), timestamp(pick(G.timeFormats), y, m, d, dayNum, secs)].join(',');
  };

  const loginFormats = ['sql', 'iso'];
  outer: while (written < rows) {
    // ---- one subscriber ----
    customers++;
    const custId = `CUST-${String(customers).padStart(7, '0')}`;
    const g = pickShare(rand(), GATEWAYS);
    let p = pickShare(rand(), PLANS);
    const s = 1 + int(MAX_TENURE); // months since signup
    const signupMonth = asOfMonth - s;
    const sy = Math.floor(signupMonth / 12);
    const sm = (signupMonth % 12) + 1;
    const day = 1 + int(28);
    const inactive = rand() < INACTIVE_SHARE;
    const churned = s >= 2 && rand() < (inactive ? CHURN_IF_INACTIVE : CHURN_IF_ACTIVE);
    const cycles = churned ? 1 + int(s - 1) : s;
    const changeAt = rand() < PLAN_CHANGE_RATE && cycles >= 2 ? 2 + int(cycles - 1) : 0;
    const newPlan = changeAt ? (p === 0 ? 1 : p === 2 ? 1 : rand() < 0.6 ? 2 : 0) : p;

    // CRM row
    const first = pick(firstNames);
    const last = pick(lastNames);
    const nameStyle = int(20);
    const fullName = nameStyle === 0 ? `${first.toUpperCase()} ${last.toUpperCase()}` : nameStyle === 1 ? ` ${first}  ${last} ` : `${first} ${last}`;
    let email = `${emailPart(first)}.${emailPart(last)}${int(1000)}@${pick(domains)}`;
    const emailStyle = int(40);
    if (emailStyle === 0) email = email.toUpperCase();
    else if (emailStyle === 1) email = ` ${email} `;
    const signupFmt = int(20);
    const signup =
      signupFmt < 12 ? `${ys(sy)}-${PAD2[sm]}-${PAD2[day]}` : signupFmt < 17 ? `${PAD2[sm]}/${PAD2[day]}/${ys(sy)}` : `${PAD2[day]}-${MONTH_ABBR[sm]}-${ys(sy)}`;
    const daysAgo = inactive ? 31 + int(370) : int(31);
    const lr = rand();
    let login;
    let seg;
    if (lr < MISSING_LOGIN_RATE) (login = ''), (seg = segment.unknown);
    else if (lr < MISSING_LOGIN_RATE + FUTURE_LOGIN_RATE) {
      const [fy, fm, fd] = civilFromDays(asOfDay + 1 + int(500)); // a clock-skewed sync: logins "in the future"
      login = timestamp(pick(loginFormats), fy, fm, fd, 0, int(86400));
      seg = segment.unknown;
    } else {
      const [ly, lm, ld] = civilFromDays(asOfDay - daysAgo);
      login = timestamp(pick(loginFormats), ly, lm, ld, 0, int(86400));
      seg = inactive ? segment.inactive : segment.active;
    }
    seg.customers++;
    if (churned) seg.churned++;
    const status = churned ? pick(['cancelled', 'Canceled', 'CANCELLED', 'churned', ' cancelled']) : pick(['active', 'Active', 'ACTIVE', ' active ']);
    if (customersOut.push(`${custId},${csv(fullName)},${email},${pick(companies)},${pick(cities)},${signup},${login},${status}`)) await customersOut.flush();

    // ---- its billing cycles: cycle j is billed j months after signup, same day of month ----
    for (let j = 1; j <= cycles; j++) {
      if (j === changeAt) p = newPlan;
      const mi = signupMonth + j;
      const y = Math.floor(mi / 12);
      const m = (mi % 12) + 1;
      const dayNum = daysFromCivil(y, m, day);
      const secs = int(86400);
      const G = GATEWAYS[g];
      const P = PLANS[p];
      const b = bandOf(j);
      let outcome = 0;
      let charged = P.cents;
      if (rand() < G.unbilledRate) outcome = 2;
      else if (rand() < failP[g][b]) outcome = 1;
      else if (rand() < G.underRate) charged = P.underCents;

      paymentSeq++;
      const payId = G.idPrefix + paymentSeq.toString(36).toUpperCase().padStart(8, '0');
      const T = plan[p];
      T.cycles++;
      T.expected += P.cents;
      if (outcome === 2) T.unbilled += P.cents;
      else {
        gw[g].attempts++;
        band[b].attempts++;
        if (outcome === 1) (gw[g].failed++, (gw[g].failedCents += P.cents), band[b].failed++, (T.failed += P.cents));
        else (T.collected += charged), (T.under += P.cents - charged), (gw[g].collectedCents += charged);
      }
      let flush = paymentsOut.push(paymentLine(payId, custId, p, g, outcome, charged, y, m, day, dayNum, secs));
      written++;
      if (written < rows && rand() < DUPLICATE_RATE) {
        // the same payment re-sent by another extract, formatted differently
        flush = paymentsOut.push(paymentLine(payId, custId, p, g, outcome, charged, y, m, day, dayNum, secs)) || flush;
        written++;
        duplicates++;
      }
      if (flush) await paymentsOut.flush();
      if (written >= rows) break outer;
    }
  }
  await Promise.all([customersOut.close(), paymentsOut.close()]);

  // ---- what was injected, from the truth above ----
  const rate = (a, b) => (b === 0 ? '0' : (a / b).toFixed(6));
  const lines = ['metric,segment,value'];
  const add = (metric, seg, value) => lines.push(`${metric},${csv(seg)},${value}`);
  add('generator', 'rows', rows);
  add('generator', 'seed', seed);
  add('generator', 'customers', customers);
  add('generator', 'duplicates', duplicates);
  add('generator', 'unique_payments', rows - duplicates);
  add('generator', 'as_of_date', `${AS_OF.year}-${PAD2[AS_OF.month]}-${PAD2[AS_OF.day]}`);
  for (const family of ['legacy', 'modern']) {
    const idx = GATEWAYS.map((g, i) => (g.family === family ? i : -1)).filter((i) => i >= 0);
    const attempts = idx.reduce((n, i) => n + gw[i].attempts, 0);
    const failed = idx.reduce((n, i) => n + gw[i].failed, 0);
    const nominal = idx.reduce((n, i) => n + GATEWAYS[i].share * GATEWAYS[i].failRate, 0) / idx.reduce((n, i) => n + GATEWAYS[i].share, 0);
    add('nominal_failure_rate', family, nominal.toFixed(6));
    add('failure_rate', family, rate(failed, attempts));
    add('attempts', family, attempts);
    add('failed_payments', family, failed);
  }
  GATEWAYS.forEach((g, i) => {
    add('failure_rate', g.name, rate(gw[i].failed, gw[i].attempts));
    add('attempts', g.name, gw[i].attempts);
    add('failed_payments', g.name, gw[i].failed);
    add('failed_revenue', g.name, money(gw[i].failedCents));
    add('collected_revenue', g.name, money(gw[i].collectedCents));
  });
  PLANS.forEach((P, i) => {
    const T = plan[i];
    add('billing_cycles', P.tier, T.cycles);
    add('expected_revenue', P.tier, money(T.expected));
    add('collected_revenue', P.tier, money(T.collected));
    add('failed_revenue', P.tier, money(T.failed));
    add('undercharge_loss', P.tier, money(T.under));
    add('unbilled_revenue', P.tier, money(T.unbilled));
    add('leakage', P.tier, money(T.expected - T.collected));
  });
  for (const [name, v] of Object.entries(segment)) {
    add('customers', name, v.customers);
    add('churn_rate', name, rate(v.churned, v.customers));
  }
  TENURE_BANDS.forEach((b, i) => add('failure_rate', b.label, rate(band[i].failed, band[i].attempts)));
  const findings = chunkedWriter(findingsFile);
  for (const l of lines) findings.push(l);
  await findings.close();

  const seconds = (performance.now() - started) / 1000;
  log(`generated ${rows} payment rows (${duplicates} duplicates), ${customers} customers in ${seconds.toFixed(2)}s → ${out}`);
  return { rows, customers, duplicates, files: [customersFile, paymentsFile, findingsFile], seconds };
}

/** @param {string[]} argv */
function parseArgs(argv) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const opts = { rows: 1_500_000, seed: 42, out: path.resolve(here, '..', 'seeds') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    const integer = (name) => {
      const v = value();
      if (!/^[0-9]+$/.test(v ?? '')) throw new Error(`${name} must be a non-negative integer, got "${v ?? ''}"`);
      return Number(v);
    };
    if (flag === '--rows') opts.rows = integer('--rows');
    else if (flag === '--seed') opts.seed = integer('--seed');
    else if (flag === '--out') opts.out = path.resolve(value());
    else if (flag === '-h' || flag === '--help') {
      console.log('usage: generate.mjs [--rows N (1500000)] [--seed S (42)] [--out DIR (examples/lumiere/seeds)]');
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]} (try --help)`);
  }
  return opts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    await generate({ ...parseArgs(process.argv.slice(2)), log: (m) => console.log(m) });
  } catch (e) {
    console.error(`error: ${/** @type {Error} */ (e).message}`);
    process.exitCode = 2;
  }
}
