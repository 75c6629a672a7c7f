-- Transactions per month and kind (every kind of var transaction_kinds, 0 when none): count and
-- volume of initiated transactions (a P2P transfer once), fees, revenue, customers who made one.
-- Summed over kinds, count and volume equal kpi_monthly_growth's.
with kinds as (
  select kind, kind_order
  from unnest(array[{% for k in var('transaction_kinds') %}'{{ k }}'{{ ', ' if not loop.last }}{% endfor %}]::text[])
    with ordinality as k(kind, kind_order)
),

months as (
  select distinct month_start as month
  from {{ ref('dim_date') }}
  where month_start >= (select min(transaction_month) from {{ ref('fct_transactions') }})
),

transactions as (
  select
    transaction_month as month,
    kind,
    count(*) as transaction_count,
    sum(amount) as volume,
    sum(fee) as fees,
    sum(revenue) as revenue,
    count(distinct customer_id) as customers
  from {{ ref('fct_transactions') }}
  where is_initiated
  group by transaction_month, kind
)

select
  m.month,
  k.kind,
  k.kind_order,
  coalesce(t.transaction_count, 0) as transaction_count,
  coalesce(t.volume, 0) as volume,
  coalesce(t.fees, 0) as fees,
  coalesce(t.revenue, 0) as revenue,
  coalesce(t.customers, 0) as customers,
  round(100.0 * coalesce(t.transaction_count, 0) / nullif(sum(coalesce(t.transaction_count, 0)) over (partition by m.month), 0), 2) as share_of_count_pct
from months as m
cross join kinds as k
left join transactions as t on t.month = m.month and t.kind = k.kind
