// Types for finefinance-data.mjs (plain ESM JavaScript, so that Node runs it without a build step).

export interface GenerateOptions {
  /** PostgreSQL URL of the database to load; created (through the `postgres` database) when missing. */
  url: string;
  /** Customers at the end of the period (default 5000); advisors = max(3, customers / 100). */
  customers?: number;
  /** Months of history ending with the month of `endDate` (default 24); ~1M transactions at 5000 × 24, linear in both. */
  months?: number;
  /** Seed of every random choice (default 42): the same options give the same rows. */
  seed?: number;
  /** Last day of data, YYYY-MM-DD (default '2026-10-31'): fixed, so that runs are reproducible. */
  endDate?: string;
  /** Drop schema app (cascade: with whatever depends on it) and recreate it from source/schema.sql first (default false: the tables must be empty or missing). */
  reset?: boolean;
  onProgress?: (message: string) => void;
}

export interface AppendDayOptions {
  url: string;
  /** Seed (default 42): the same seed and database state give the same day. */
  seed?: number;
  onProgress?: (message: string) => void;
}

/** Rows in the database after generate(); rows added by appendDay(), with the day it appended. */
export interface LoadStats {
  customers: number;
  accounts: number;
  transactions: number;
  loans: number;
  investments: number;
  advisors: number;
  seconds: number;
  /** appendDay only: the day appended, YYYY-MM-DD. */
  day?: string;
}

export declare const DEFAULTS: Readonly<{ customers: number; months: number; seed: number; endDate: string }>;

/** The full history over COPY, in one transaction; checks integrity before committing and reports a summary through onProgress. */
export declare function generate(options: GenerateOptions): Promise<LoadStats>;

/**
 * "Today's" rows: the day after max(transactions.created_at)::date. ~0.1% new customers (with accounts and a first deposit),
 * ~0.3% of customers change profile (updated_at that day; their checking overdraft follows), the day's salaries, card
 * payments, ATM withdrawals, P2P transfers, loan repayments, savings-plan purchases and a few new loans, at each account's
 * rhythm of the last 30 days. New ids continue after the current maxima; one transaction; deterministic given seed and state.
 */
export declare function appendDay(options: AppendDayOptions): Promise<LoadStats>;
