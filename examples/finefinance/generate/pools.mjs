// Value pools and the business constants of FineFinance. Faker (seeded) builds the pools once; a
// seeded PRNG then picks from them, so that rows are fast and deterministic whatever Faker's call order.
import { faker } from '@faker-js/faker/locale/en';

export const PROFILES = /** @type {const} */ (['Bronze', 'Gold', 'Diamond']);
export const PROFILE_SHARE = [0.6, 0.3, 0.1];
/** Net monthly salary range by profile, in cents. */
export const INCOME = { Bronze: [120_000, 210_000], Gold: [200_000, 300_000], Diamond: [300_000, 550_000] };
/** Share of customers with a savings account, by profile (≈ 35% overall). */
export const SAVINGS_SHARE = { Bronze: 0.25, Gold: 0.45, Diamond: 0.7 };
/** ATM withdrawal fee by profile, in cents (card payments are free). */
export const ATM_FEE = { Bronze: 200, Gold: 100, Diamond: 0 };
/** Fee on a P2P transfer: 0.3% of the amount, rounded half up to the cent (integer arithmetic). */
export const p2pFee = (cents) => Math.floor((cents * 3 + 500) / 1000);
/** Fee on an investment purchase: 0.5% of the amount, rounded half up to the cent, as round(amount * 0.005, 2) in SQL. */
export const investmentFee = (cents) => Math.floor((cents + 100) / 200);
export const PRODUCTS = /** @type {const} */ (['savings_plan', 'etf', 'equity_fund', 'bonds']);

/** Checking overdraft limit (cents) of a profile: Bronze 0 or 200 €, Gold 500 €, Diamond 1,000 €. */
export function overdraftFor(profile, r) {
  if (profile === 'Diamond') return 100_000;
  if (profile === 'Gold') return 50_000;
  return r < 0.5 ? 0 : 20_000;
}

/** Where customers live: real European cities, so that city and country agree. */
export const PLACES = [
  ['Paris', 'France'], ['Lyon', 'France'], ['Marseille', 'France'], ['Toulouse', 'France'], ['Lille', 'France'], ['Bordeaux', 'France'], ['Nantes', 'France'],
  ['Berlin', 'Germany'], ['Hamburg', 'Germany'], ['Munich', 'Germany'], ['Cologne', 'Germany'], ['Frankfurt', 'Germany'],
  ['Madrid', 'Spain'], ['Barcelona', 'Spain'], ['Valencia', 'Spain'], ['Seville', 'Spain'],
  ['Rome', 'Italy'], ['Milan', 'Italy'], ['Turin', 'Italy'], ['Naples', 'Italy'],
  ['Brussels', 'Belgium'], ['Antwerp', 'Belgium'], ['Ghent', 'Belgium'], ['Liège', 'Belgium'],
  ['Amsterdam', 'Netherlands'], ['Rotterdam', 'Netherlands'], ['Utrecht', 'Netherlands'],
  ['Lisbon', 'Portugal'], ['Porto', 'Portugal'], ['Dublin', 'Ireland'], ['Cork', 'Ireland'],
  ['Vienna', 'Austria'], ['Graz', 'Austria'], ['Luxembourg', 'Luxembourg'],
];
/** Branches the advisors work from. */
export const BRANCHES = ['Paris', 'Lyon', 'Berlin', 'Madrid', 'Milan', 'Brussels', 'Amsterdam', 'Lisbon', 'Dublin', 'Vienna'];
export const P2P_MEMOS = ['rent share', 'dinner', 'groceries', 'birthday gift', 'concert tickets', 'holiday', 'utilities', 'loan back', 'taxi', 'football', 'wedding gift', 'flat deposit'];
export const LOAN_PURPOSES = ['car', 'home renovation', 'furniture', 'studies', 'travel', 'wedding', 'equipment'];
export const BIG_PURCHASES = ['Card payment Car dealer', 'Card payment Travel agency', 'Card payment Furniture store', 'Card payment Jeweller', 'Card payment Electronics store', 'Cash withdrawal at branch', 'Card payment Home improvement'];
export const WINDFALLS = ['Inheritance', 'Property sale proceeds', 'Annual bonus', 'Insurance payout', 'Gift from family'];

/** Strip what would need CSV quoting: pool values then go into rows as they are. */
const clean = (s) => s.replace(/[",\r\n\\]/g, '').replace(/\s+/g, ' ').trim();
const emailPart = (s) => s.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '');

/**
 * @typedef {{ firstNames: string[], lastNames: string[], employers: string[], merchants: string[], domains: string[] }} Pools
 * @param {number} seed @returns {Pools}
 */
export function buildPools(seed) {
  faker.seed(seed);
  return {
    firstNames: Array.from({ length: 1200 }, () => clean(faker.person.firstName())),
    lastNames: Array.from({ length: 2000 }, () => clean(faker.person.lastName())),
    employers: Array.from({ length: 600 }, () => clean(faker.company.name())),
    merchants: Array.from({ length: 1500 }, () => clean(faker.company.name())),
    domains: [...Array.from({ length: 60 }, () => clean(faker.internet.domainName())), 'gmail.com', 'outlook.com', 'yahoo.com', 'proton.me', 'gmx.de', 'orange.fr'],
  };
}

/** A unique e-mail address: the id makes it unique whatever the names drawn. */
export function emailOf(first, last, id, domain) {
  return `${emailPart(first) || 'x'}.${emailPart(last) || 'x'}${id}@${domain}`;
}
