// Test helpers: copy a fixture project to a temp dir, query its DuckDB file, run the built CLI.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { duckdbAdapter } from '@tsdbt/duckdb';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliBin = path.join(repoRoot, 'packages', 'cli', 'bin', 'tsdbt.js');

const copies: string[] = [];
// Fixture copies go after the test file (kept with TSDBT_KEEP_FIXTURES=1, to look inside).
afterAll(() => {
  if (process.env['TSDBT_KEEP_FIXTURES']) return;
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of tests/fixtures/<name> in a temp dir, removed after the test file. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tsdbt-${name}-`));
  copies.push(dir);
  cpSync(path.join(repoRoot, 'tests', 'fixtures', name), dir, { recursive: true });
  return dir;
}

/** Run SQL against a DuckDB file (opened and closed per call: the file lock is per process). */
export async function duckdb(file: string, sql: string | string[]): Promise<Record<string, unknown>[]> {
  const driver = duckdbAdapter.createDriver({ type: 'duckdb', schema: 'main', path: file }, { projectDir: path.dirname(file), projectName: 'test' });
  const conn = await driver.connect();
  try {
    let rows: Record<string, unknown>[] = [];
    for (const s of Array.isArray(sql) ? sql : [sql]) rows = (await conn.execute(s)).rows;
    return rows;
  } finally {
    await conn.close();
    await driver.close();
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tsdbt(args: string[], cwd = repoRoot, env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [cliBin, '--no-color', ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The shop fixture's raw data: 4 customers, 6 orders, 8 payments. */
export const SHOP_RAW_SQL = [
  'create schema if not exists raw',
  `create or replace table raw.customers as select * from (values (1, 'Ada', 'Lovelace'), (2, 'Grace', 'Hopper'), (3, 'Alan', 'Turing'), (4, 'Edsger', 'Dijkstra')) t(id, first_name, last_name)`,
  `create or replace table raw.orders as select * from (values
     (1, 1, date '2024-01-01', 'completed'), (2, 1, date '2024-01-05', 'completed'), (3, 2, date '2024-01-07', 'returned'),
     (4, 3, date '2024-02-01', 'completed'), (5, 3, date '2024-02-03', 'placed'), (6, 2, date '2024-02-09', 'shipped')) t(id, user_id, order_date, status)`,
  `create or replace table raw.payment_events as select * from (values
     (1, 1, 'credit_card', 1000), (2, 2, 'coupon', 500), (3, 2, 'credit_card', 1500), (4, 3, 'bank_transfer', 2000),
     (5, 4, 'gift_card', 250), (6, 4, 'credit_card', 750), (7, 5, 'credit_card', 3000), (8, 6, 'coupon', 1200)) t(id, order_id, payment_method, amount)`,
];
