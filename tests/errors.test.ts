// Bad input: a one-screen error naming the file (and line), exit code 2, never a stack trace.
import { rmSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { copyFixture, tsdbt } from './support/project.js';

let dir: string;
beforeEach(() => {
  dir = copyFixture('shop');
});

function expectCleanError(r: { code: number; stderr: string; stdout: string }): void {
  expect(r.code).toBe(2);
  expect(r.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/); // no stack frames
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stderr.split('\n').length).toBeLessThan(25);
}

describe('project errors exit 2 with file and line', () => {
  it('malformed YAML names the file, line and column', () => {
    writeFileSync(path.join(dir, 'models/marts/schema.yml'), 'version: 2\nmodels:\n  - name: a\n    description: [unclosed\n');
    const r = tsdbt(['parse', '--project-dir', dir]);
    expectCleanError(r);
    expect(r.stderr).toMatch(/models\/marts\/schema\.yml:\d+:\d+: invalid YAML/);
  });

  it('an unknown ref names the file, line and the closest model', () => {
    writeFileSync(path.join(dir, 'models/marts/dim_customers.sql'), "select *\nfrom {{ ref('stg_customer') }}\n");
    const r = tsdbt(['parse', '--project-dir', dir]);
    expectCleanError(r);
    expect(r.stderr).toContain('models/marts/dim_customers.sql:2:');
    expect(r.stderr).toContain('refers to `stg_customer`, which does not exist');
    expect(r.stderr).toContain('did you mean `stg_customers`?');
  });

  it('a ref to a disabled model says so', () => {
    writeFileSync(path.join(dir, 'models/marts/dim_customers.sql'), "select * from {{ ref('legacy_report') }}\n");
    const r = tsdbt(['parse', '--project-dir', dir]);
    expectCleanError(r);
    expect(r.stderr).toContain('`legacy_report`, which is disabled');
  });

  it('a cycle prints the whole cycle path', () => {
    writeFileSync(path.join(dir, 'models/staging/stg_customers.sql'), "select * from {{ ref('dim_customers') }}\n");
    const r = tsdbt(['parse', '--project-dir', dir]);
    expectCleanError(r);
    const m = /dependency cycle: (.+)/.exec(r.stderr);
    expect(m).not.toBeNull();
    const names = m![1]!.split(' → ');
    expect(names[0]).toBe(names.at(-1));
    expect(new Set(names)).toEqual(new Set(['stg_customers', 'dim_customers']));
  });

  it('a longer cycle through three models', () => {
    writeFileSync(path.join(dir, 'models/staging/stg_orders.sql'), "select * from {{ ref('fct_orders') }}\n");
    writeFileSync(path.join(dir, 'models/marts/finance/fct_orders.sql'), "select * from {{ ref('stg_payments') }}\n");
    writeFileSync(path.join(dir, 'models/staging/stg_payments.sql'), "select * from {{ ref('stg_orders') }}\n");
    const r = tsdbt(['parse', '--project-dir', dir]);
    expectCleanError(r);
    const names = /dependency cycle: (.+)/.exec(r.stderr)![1]!.split(' → ');
    expect(names).toHaveLength(4);
    expect(new Set(names)).toEqual(new Set(['stg_orders', 'fct_orders', 'stg_payments']));
  });

  it('a template syntax error names the file and line', () => {
    writeFileSync(path.join(dir, 'models/staging/stg_orders.sql'), "select 1 as id\n{% if true %}\nfrom x\n");
    const r = tsdbt(['compile', '--project-dir', dir]);
    expectCleanError(r);
    expect(r.stderr).toMatch(/models\/staging\/stg_orders\.sql:\d+/);
  });

  it('a missing project file says where it looked and what to do', () => {
    rmSync(path.join(dir, 'tsdbt_project.yml'));
    const r = tsdbt(['run', '--project-dir', dir]);
    expectCleanError(r);
    expect(r.stderr).toContain('no tsdbt_project.yml or dbt_project.yml in');
    expect(r.stderr).toContain('tsdbt init');
  });

  it('an unknown config key warns with a suggestion, and fails under --strict', () => {
    const file = path.join(dir, 'models/staging/stg_orders.sql');
    writeFileSync(file, "{{ config(materialised='table') }}\n" + readFileSync(file, 'utf8'));
    const warn = tsdbt(['parse', '--project-dir', dir]);
    expect(warn.code).toBe(0);
    expect(warn.stderr).toContain('models/staging/stg_orders.sql: unknown config key `materialised` — did you mean `materialized`?');
    const strict = tsdbt(['parse', '--strict', '--project-dir', dir]);
    expectCleanError(strict);
    expect(strict.stderr).toContain('did you mean `materialized`?');
  });

  it('a misspelled +key in the project file warns with its line', () => {
    const file = path.join(dir, 'tsdbt_project.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('+materialized: ephemeral', '+materialised: ephemeral'));
    const r = tsdbt(['parse', '--project-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/tsdbt_project\.yml:\d+:\d+: unknown config key `materialised` — did you mean `materialized`\?/);
  });

  it('an unknown command or flag is a usage error', () => {
    expect(tsdbt(['runn']).code).toBe(2);
    expect(tsdbt(['run', '--selekt', 'x', '--project-dir', dir]).code).toBe(2);
  });
});
