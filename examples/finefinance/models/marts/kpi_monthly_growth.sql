-- The direction's monthly growth metrics, one row per calendar month:
--   revenue = fees + loan interest; transaction volume and count count a P2P transfer once (the
--   sender's leg); new customers = sign-ups in the month. *_growth_pct = month over month, in %
--   (NULL when the previous month is 0). The latest month may be incomplete (is_complete_month).
with months as (
  select
    month_start as month,
    max(date_day) as last_day,
    bool_or(is_month_end) as is_complete_month
  from {{ ref('dim_date') }}
  group by month_start
),

transactions as (
  select
    transaction_month as month,
    sum(revenue) as revenue,
    sum(fee) as fees,
    sum(interest) as interest,
    coalesce(sum(amount) filter (where is_initiated), 0) as transaction_volume,
    count(*) filter (where is_initiated) as transaction_count,
    count(distinct customer_id) as active_customers
  from {{ ref('fct_transactions') }}
  group by transaction_month
),

signups as (
  select date_trunc('month', signed_up_at)::date as month, count(*) as new_customers
  from {{ ref('dim_customer') }}
  where is_current
  group by 1
),

monthly as (
  select
    m.month,
    m.is_complete_month,
    coalesce(t.revenue, 0) as revenue,
    coalesce(t.fees, 0) as fees,
    coalesce(t.interest, 0) as interest,
    coalesce(t.transaction_volume, 0) as transaction_volume,
    coalesce(t.transaction_count, 0) as transaction_count,
    coalesce(s.new_customers, 0) as new_customers,
    sum(coalesce(s.new_customers, 0)) over (order by m.month) as total_customers,
    coalesce(t.active_customers, 0) as active_customers
  from months as m
  left join transactions as t on t.month = m.month
  left join signups as s on s.month = m.month
)

select
  *,
  round(100 * (revenue / nullif(lag(revenue) over w, 0) - 1), 2) as revenue_growth_pct,
  round(100 * (transaction_volume / nullif(lag(transaction_volume) over w, 0) - 1), 2) as transaction_volume_growth_pct,
  round(100 * (transaction_count::numeric / nullif(lag(transaction_count) over w, 0) - 1), 2) as transaction_count_growth_pct,
  round(100 * (new_customers::numeric / nullif(lag(new_customers) over w, 0) - 1), 2) as new_customers_growth_pct
from monthly
window w as (order by month)
