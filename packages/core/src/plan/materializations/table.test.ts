import { describe, expect, it } from 'vitest';
import { SqlDialect } from '../../adapter/sql-dialect.js';
import type { DialectCapabilities } from '../../adapter/types.js';
import { planTable } from './table.js';

class TestDialect extends SqlDialect {
  readonly name = 'test';
  readonly capabilities: DialectCapabilities = { transactionalDdl: true, createOrReplace: false, merge: true };
}

const rel = { schema: 'main', identifier: 'orders' };

describe('planTable with a contract (dbt contract DDL)', () => {
  const contract = {
    columns: [
      { name: 'order_id', type: 'integer', constraints: [{ type: 'not_null' as const }, { type: 'primary_key' as const }] },
      { name: 'customer_id', type: 'integer', constraints: [{ type: 'foreign_key' as const, to: '"main"."customers"', toColumns: ['id'] }] },
      { name: 'amount', type: 'numeric(10, 2)', constraints: [{ type: 'check' as const, name: 'positive', expression: 'amount >= 0' }] },
    ],
    constraints: [
      { type: 'unique' as const, columns: ['order_id', 'customer_id'] },
      { type: 'check' as const, name: 'known', expression: "amount < 1000", columns: [] },
      { type: 'foreign_key' as const, columns: ['customer_id'], expression: 'main.customers (id)' },
    ],
  };

  it('creates the temp table from the columns, inserts the rows, then swaps; rows come from the insert', () => {
    const plan = planTable(new TestDialect(), rel, 'select 1 as order_id, 2 as customer_id, 3 as amount;', { existing: 'table' }, contract);
    expect(plan.statements.map((s) => s.purpose)).toEqual(['create contracted table', 'insert contracted rows', 'move old aside', 'swap in', 'drop old']);
    expect(plan.statements[0]!.sql).toBe(
      [
        'CREATE TABLE "main"."orders__tsdbt_tmp" (',
        '    "order_id" integer NOT NULL PRIMARY KEY,',
        '    "customer_id" integer REFERENCES "main"."customers" ("id"),',
        '    "amount" numeric(10, 2) CONSTRAINT "positive" CHECK (amount >= 0),',
        '    UNIQUE ("order_id", "customer_id"),',
        '    CONSTRAINT "known" CHECK (amount < 1000),',
        '    FOREIGN KEY ("customer_id") REFERENCES main.customers (id)',
        ')',
      ].join('\n'),
    );
    expect(plan.statements[1]!.sql).toBe('INSERT INTO "main"."orders__tsdbt_tmp" ("order_id", "customer_id", "amount")\nSELECT "order_id", "customer_id", "amount" FROM (\nselect 1 as order_id, 2 as customer_id, 3 as amount\n) AS model_subq');
    expect(plan.rowsFrom).toBe(1);
  });

  it('counts leftovers before the create, and is unchanged without a contract', () => {
    const plan = planTable(new TestDialect(), rel, 'select 1', { leftovers: [{ identifier: 'orders__tsdbt_tmp', kind: 'table' }] }, contract);
    expect(plan.statements.map((s) => s.purpose)).toEqual(['drop leftover', 'create contracted table', 'insert contracted rows', 'swap in']);
    expect(plan.rowsFrom).toBe(2);
    expect(planTable(new TestDialect(), rel, 'select 1', {}).statements.map((s) => s.purpose)).toEqual(['create table', 'swap in']);
  });
});
