import { describe, expect, it } from 'vitest';
import { injectCtes } from '../compile/ephemeral.js';
import { ephemeralCteName } from '../compile/relation.js';
import { type ColumnLineageOptions, columnLineage } from './column-lineage.js';

// A small project: relation (schema.identifier, or database.schema.identifier) → node, and the catalog.
const RELATIONS: Record<string, string> = {
  'main.stg_orders': 'model.shop.stg_orders',
  'main.stg_customers': 'model.shop.stg_customers',
  'main.stg_payments': 'model.shop.stg_payments',
  'raw.orders': 'source.shop.raw.orders',
  'db.raw.orders': 'source.shop.raw.orders',
  'main.country_codes': 'seed.shop.country_codes',
};
const CATALOG: Record<string, string[]> = {
  'model.shop.stg_orders': ['order_id', 'customer_id', 'amount', 'status', 'ordered_at'],
  'model.shop.stg_customers': ['customer_id', 'Name', 'country'],
  'model.shop.stg_payments': ['payment_id', 'order_id', 'amount'],
  'source.shop.raw.orders': ['Order ID', 'Customer', 'total'],
  'seed.shop.country_codes': ['country', 'code'],
};

/** Splits `"db"."raw"."orders"` / `main.stg_orders` into parts, the way a real resolver would. */
function relationKey(text: string): string {
  const parts = [...text.matchAll(/"((?:[^"]|"")*)"|([^."]+)/g)].map((m) => (m[1] ?? m[2]!).replace(/""/g, '"'));
  return parts.map((p) => p.toLowerCase()).join('.');
}

function project(catalog: Record<string, string[] | undefined> = CATALOG, seen: string[] = []): ColumnLineageOptions {
  return {
    resolveRelation: (name) => {
      seen.push(name);
      return RELATIONS[relationKey(name)];
    },
    columnsOf: (id) => catalog[id],
  };
}

const orders = (column: string) => ({ node: 'model.shop.stg_orders', column });
const customers = (column: string) => ({ node: 'model.shop.stg_customers', column });
const payments = (column: string) => ({ node: 'model.shop.stg_payments', column });

describe('columnLineage', () => {
  it('follows table and column aliases in a plain select', () => {
    const sql = `select o.order_id as id, o.amount, customer_id as "Customer", status
                 from "main"."stg_orders" as o`;
    expect(columnLineage(sql, project())).toEqual({
      columns: {
        id: [orders('order_id')],
        amount: [orders('amount')],
        customer: [orders('customer_id')],
        status: [orders('status')],
      },
    });
  });

  it('follows a chain of CTEs, each seeing the ones before it', () => {
    const sql = `
      with base as (
        select order_id, amount * 2 as doubled, status from "main"."stg_orders"
      ),
      paid as (
        select order_id as oid, doubled + 1 as total from base where status = 'paid'
      )
      select oid, total from paid`;
    expect(columnLineage(sql, project())).toEqual({
      columns: { oid: [orders('order_id')], total: [orders('amount')] },
    });
  });

  it('resolves joins: aliases, ON, USING columns from both sides, unqualified names via the catalog', () => {
    const sql = `
      select o.order_id, c.name as customer_name, customer_id, country, p.amount as paid
      from "main"."stg_orders" o
      join "main"."stg_customers" c using (customer_id)
      left join "main"."stg_payments" as p on p.order_id = o.order_id`;
    expect(columnLineage(sql, project())).toEqual({
      columns: {
        order_id: [orders('order_id')],
        customer_name: [customers('name')],
        customer_id: [orders('customer_id'), customers('customer_id')],
        country: [customers('country')],
        paid: [payments('amount')],
      },
    });
  });

  it('lists every candidate for an unqualified column in a join when no catalog says whose it is', () => {
    const sql = `select status, o.order_id from "main"."stg_orders" o join "main"."stg_payments" p on p.order_id = o.order_id`;
    const result = columnLineage(sql, project({}));
    expect(result.columns.status).toEqual([orders('status'), payments('status')]);
    expect(result.columns.order_id).toEqual([orders('order_id')]);
  });

  it('maps aggregates to their inputs; count(*) reads no column; GROUP BY is not lineage', () => {
    const sql = `
      select customer_id, sum(amount) as revenue, count(*) as orders, count(distinct status) as statuses,
             max(ordered_at) filter (where status = 'paid') as last_paid_at
      from "main"."stg_orders"
      group by customer_id
      having count(*) > 1`;
    expect(columnLineage(sql, project()).columns).toEqual({
      customer_id: [orders('customer_id')],
      revenue: [orders('amount')],
      orders: [],
      statuses: [orders('status')],
      last_paid_at: [orders('ordered_at'), orders('status')],
    });
  });

  it('expands select * through a CTE with the catalog columns', () => {
    const sql = `with o as (select * from "main"."stg_orders") select * from o`;
    expect(columnLineage(sql, project())).toEqual({
      columns: {
        order_id: [orders('order_id')],
        customer_id: [orders('customer_id')],
        amount: [orders('amount')],
        status: [orders('status')],
        ordered_at: [orders('ordered_at')],
      },
    });
  });

  it('expands t.* for one relation of a join, and shows a USING column once under select *', () => {
    const one = columnLineage(
      `select c.*, o.amount from "main"."stg_orders" o join "main"."stg_customers" c on c.customer_id = o.customer_id`,
      project(),
    );
    expect(Object.keys(one.columns)).toEqual(['customer_id', 'name', 'country', 'amount']);
    expect(one.columns.name).toEqual([customers('name')]);

    const all = columnLineage(`select * from "main"."stg_customers" join "main"."country_codes" using (country)`, project());
    expect(all.columns).toEqual({
      customer_id: [customers('customer_id')],
      name: [customers('name')],
      country: [customers('country'), { node: 'seed.shop.country_codes', column: 'country' }],
      code: [{ node: 'seed.shop.country_codes', column: 'code' }],
    });
  });

  it('unions the inputs of CASE, casts and functions; unaliased expressions are left out', () => {
    const sql = `
      select
        case when status = 'returned' then 0 else amount end as net_amount,
        cast(ordered_at as date) as order_date,
        amount::decimal(10, 2) as amount_exact,
        coalesce(status, 'unknown') || '-' || order_id as label,
        date_trunc('month', ordered_at) + interval '1 day' as next_month,
        lower(status),
        1 as one
      from "main"."stg_orders"`;
    expect(columnLineage(sql, project())).toEqual({
      columns: {
        net_amount: [orders('status'), orders('amount')],
        order_date: [orders('ordered_at')],
        amount_exact: [orders('amount')],
        label: [orders('status'), orders('order_id')],
        next_month: [orders('ordered_at')],
        one: [],
      },
    });
  });

  it('reads window functions: the argument plus PARTITION BY and ORDER BY, named windows too', () => {
    const sql = `
      select order_id,
             row_number() over (partition by customer_id order by ordered_at) as nth_order,
             sum(amount) over w as running_total
      from "main"."stg_orders"
      window w as (partition by customer_id)`;
    expect(columnLineage(sql, project()).columns).toEqual({
      order_id: [orders('order_id')],
      nth_order: [orders('customer_id'), orders('ordered_at')],
      running_total: [orders('amount'), orders('customer_id')],
    });
  });

  it('takes column i of each UNION ALL branch, named after the first branch', () => {
    const sql = `
      select order_id as id, amount from "main"."stg_orders"
      union all
      select payment_id, amount from "main"."stg_payments"
      union all
      select "Order ID", total from "db"."raw"."orders"`;
    expect(columnLineage(sql, project())).toEqual({
      columns: {
        id: [orders('order_id'), payments('payment_id'), { node: 'source.shop.raw.orders', column: 'order id' }],
        amount: [orders('amount'), payments('amount'), { node: 'source.shop.raw.orders', column: 'total' }],
      },
    });
  });

  it('follows subqueries in FROM, with and without a column-alias list, and scalar subqueries', () => {
    const sql = `
      select t.customer_id, t.spend, s.n, (select max(amount) from "main"."stg_payments") as biggest_payment
      from (select customer_id, sum(amount) as spend from "main"."stg_orders" group by 1) as t
      join (select customer_id, count(*) from "main"."stg_orders" group by 1) as s (cid, n) on s.cid = t.customer_id`;
    expect(columnLineage(sql, project())).toEqual({
      columns: {
        customer_id: [orders('customer_id')],
        spend: [orders('amount')],
        n: [],
        biggest_payment: [payments('amount')],
      },
    });
  });

  it('treats an ephemeral model injected as a __tsdbt__cte__ CTE like any CTE', () => {
    const model = `with recent as (
        select * from ${ephemeralCteName('orders_enriched')} where ordered_at > current_date - 30
      )
      select order_id, customer_name from recent`;
    const sql = injectCtes(model, [
      {
        name: ephemeralCteName('orders_enriched'),
        sql: `select o.order_id, o.ordered_at, c.name as customer_name
              from "main"."stg_orders" o join "main"."stg_customers" c on c.customer_id = o.customer_id`,
      },
    ]);
    const seen: string[] = [];
    expect(columnLineage(sql, project(CATALOG, seen))).toEqual({
      columns: { order_id: [orders('order_id')], customer_name: [customers('name')] },
    });
    expect(seen).not.toContain(`"${ephemeralCteName('orders_enriched')}"`);
  });

  it('handles quoted identifiers and 2- and 3-part relation names, case-insensitively', () => {
    const seen: string[] = [];
    const sql = `
      select r."Order ID" as "Order Key", R."CUSTOMER", "Country", main.stg_customers.name
      from "db"."raw"."orders" as "R"
      join main.stg_customers on stg_customers.name = r."Customer"`;
    expect(columnLineage(sql, project(CATALOG, seen))).toEqual({
      columns: {
        'order key': [{ node: 'source.shop.raw.orders', column: 'order id' }],
        customer: [{ node: 'source.shop.raw.orders', column: 'customer' }],
        country: [customers('country')],
        name: [customers('name')],
      },
    });
    expect(seen).toEqual(['"db"."raw"."orders"', '"main"."stg_customers"']);
  });

  it('renames repeated output names the way DuckDB does', () => {
    const sql = `select o.order_id, p.order_id, p.amount as order_id_1, o.amount as ORDER_ID
                 from "main"."stg_orders" o join "main"."stg_payments" p using (order_id)`;
    expect(Object.keys(columnLineage(sql, project()).columns)).toEqual(['order_id', 'order_id_1', 'order_id_1_1', 'order_id_2']);
  });

  it('lets later expressions use earlier select-list aliases', () => {
    const sql = `select amount * 0.2 as tax, amount + tax as gross from "main"."stg_orders"`;
    expect(columnLineage(sql, project()).columns).toEqual({
      tax: [orders('amount')],
      gross: [orders('amount')],
    });
  });

  it('passes named columns through a * it cannot list, and says when the output itself needs that *', () => {
    const named = columnLineage(`with o as (select * from "main"."stg_orders") select order_id, amount from o`, project({}));
    expect(named).toEqual({ columns: { order_id: [orders('order_id')], amount: [orders('amount')] } });

    const star = columnLineage(`select *, amount * 2 as doubled from "main"."stg_orders"`, project({}));
    expect(star.columns).toEqual({ doubled: [orders('amount')] });
    expect(star.error).toMatch(/^incomplete lineage: the columns of "main"."stg_orders" are unknown/);
  });

  it('gives relations outside the project (and table functions) columns without lineage', () => {
    const sql = `select e.code, g.n, o.amount
                 from "main"."exchange_rates" e, generate_series(1, 3) as g(n), "main"."stg_orders" o`;
    expect(columnLineage(sql, project())).toEqual({
      columns: { code: [], n: [], amount: [orders('amount')] },
    });
  });

  it('returns an error, never a guess, for SQL it cannot parse', () => {
    const cases = [
      `select * from "main"."stg_orders" qualify row_number() over (partition by customer_id order by ordered_at) = 1`,
      `select * exclude (status) from "main"."stg_orders"`,
      `select customer_id, count(*) from "main"."stg_orders" group by all`,
      `select order_id from "main"."stg_orders" natural join "main"."stg_payments"`,
      `select list_transform(items, x -> x + 1) as items from "main"."stg_orders"`,
      `select order_id from "main"."stg_orders"; select 1`,
      `delete from "main"."stg_orders"`,
      `this is not sql`,
    ];
    for (const sql of cases) {
      const result = columnLineage(sql, project());
      expect(result.columns, sql).toEqual({});
      expect(result.error, sql).toMatch(/^could not parse the compiled SQL: \S/);
    }
    expect(columnLineage(cases[0]!, project()).error).toMatch(/syntax error at line 1, column \d+ \(near ".*qualify/);
    expect(columnLineage(cases[3]!, project()).error).toBe('could not parse the compiled SQL: NATURAL JOIN is not supported');
  });

  it('reads a real compiled model: CTE with aggregates joined with USING', () => {
    const sql = `-- One row per subscriber
with latest as (
    select
        customer_id,
        arg_max(plan_tier, billed_at) as plan_tier,
        min(billed_at) as first_billed_at,
        count(*) as billing_cycles
    from "silver"."stg_subscriptions"
    group by customer_id
)

select
    c.customer_id,
    c.full_name,
    l.plan_tier,
    l.first_billed_at,
    coalesce(l.billing_cycles, 0) as billing_cycles
from "silver"."stg_customers" as c
left join latest as l using (customer_id)`;
    const options: ColumnLineageOptions = {
      resolveRelation: (name) => ({ 'silver.stg_subscriptions': 'model.l.stg_subscriptions', 'silver.stg_customers': 'model.l.stg_customers' })[relationKey(name)],
      columnsOf: () => undefined,
    };
    const subs = (column: string) => ({ node: 'model.l.stg_subscriptions', column });
    expect(columnLineage(sql, options)).toEqual({
      columns: {
        customer_id: [{ node: 'model.l.stg_customers', column: 'customer_id' }],
        full_name: [{ node: 'model.l.stg_customers', column: 'full_name' }],
        plan_tier: [subs('plan_tier'), subs('billed_at')],
        first_billed_at: [subs('billed_at')],
        billing_cycles: [],
      },
    });
  });
});
