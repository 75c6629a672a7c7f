-- The direction's KPIs agree with each other and with the fact: per month, kpi_transactions_by_month
-- summed over kinds equals kpi_monthly_growth's count and volume, and kpi_monthly_growth's revenue
-- equals fees + interest over fct_transactions. Returns the months that don't.
with by_kind as (
  select month, sum(transaction_count) as transaction_count, sum(volume) as volume
  from {{ ref('kpi_transactions_by_month') }}
  group by month
),

fact as (
  select transaction_month as month, sum(fee) + sum(interest) as revenue
  from {{ ref('fct_transactions') }}
  group by transaction_month
)

select g.month, g.transaction_count, k.transaction_count as by_kind_count, g.transaction_volume, k.volume as by_kind_volume, g.revenue, f.revenue as fact_revenue
from {{ ref('kpi_monthly_growth') }} as g
left join by_kind as k on k.month = g.month
left join fact as f on f.month = g.month
where g.transaction_count <> coalesce(k.transaction_count, 0)
   or g.transaction_volume <> coalesce(k.volume, 0)
   or g.revenue <> coalesce(f.revenue, 0)
