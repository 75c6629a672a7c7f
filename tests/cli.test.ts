// The CLI as a user meets it: init → run → show, debug, clean, JSON logs, --version.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, duckdb, SHOP_RAW_SQL, tsdbt } from './support/project.js';

describe('tsdbt CLI', () => {
  it('prints its version', () => {
    const r = tsdbt(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('init scaffolds a project that runs as is on embedded DuckDB', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'tsdbt-init-')), 'my_shop');
    const init = tsdbt(['init', dir]);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Created project `my_shop`');
    const r = tsdbt(['run', '--project-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 ok, 0 failed/);
    const rows = await duckdb(path.join(dir, 'my_shop.duckdb'), 'select customer_name, orders, revenue, currency from main.customer_revenue order by 1');
    expect(rows).toEqual([
      { customer_name: 'Ada', orders: 2, revenue: 55.5, currency: 'EUR' },
      { customer_name: 'Grace', orders: 1, revenue: 9.9, currency: 'EUR' },
    ]);
    expect(tsdbt(['init', dir]).code).toBe(2); // not empty
  });

  it('--log-format json writes one JSON event per line', async () => {
    const dir = copyFixture('shop');
    await duckdb(path.join(dir, 'shop.duckdb'), SHOP_RAW_SQL);
    const r = tsdbt(['run', '--project-dir', dir, '--log-format', 'json', '--select', 'staging']);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; result?: { status: string; name: string } });
    expect(events[0]!.event).toBe('run_started');
    expect(events.filter((e) => e.event === 'node_finished').map((e) => e.result!.name).sort()).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);
    expect(events.at(-1)!.event).toBe('run_finished');
  });

  it('debug shows the target without secrets and checks the connection', () => {
    const dir = copyFixture('shop');
    const r = tsdbt(['debug', '--project-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('type: duckdb');
    expect(r.stdout).toMatch(/OK\s+connection: duckdb: select 1 succeeded/);
  });

  it('debug keeps a profile password out of its output, and fails on a bad connection', () => {
    const dir = copyFixture('shop');
    const profiles = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-prof-'));
    const file = path.join(profiles, 'profiles.yml');
    writeFileSync(file, `shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: /etc/hostname/y.duckdb\n      schema: main\n      password: "{{ env_var('TSDBT_ENV_SECRET_PASS') }}"\n`);
    const r = tsdbt(['debug', '--project-dir', dir, '--profiles-dir', profiles], undefined, { TSDBT_ENV_SECRET_PASS: 'hunter2-secret' });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain('hunter2-secret');
    expect(r.stdout).toMatch(/FAIL\s+connection/);
  });

  it('compile writes target/compiled and clean removes target/', () => {
    const dir = copyFixture('shop');
    const c = tsdbt(['compile', '--project-dir', dir, '--select', 'marts']);
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/Compiled 2 models/);
    const sql = readFileSync(path.join(dir, 'target/compiled/shop/models/marts/dim_customers.sql'), 'utf8');
    expect(sql).toContain('from "staging"."stg_customers" as c');
    expect(sql).toContain('left join "marts"."orders" as o');
    expect(tsdbt(['clean', '--project-dir', dir]).code).toBe(0);
    expect(existsSync(path.join(dir, 'target'))).toBe(false);
  });
});
