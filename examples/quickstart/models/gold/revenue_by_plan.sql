select
  c.plan,
  count(distinct c.customer_id) as customers,
  round(sum(p.amount_due), 2) as expected_revenue,
  round(sum(p.amount_collected), 2) as collected_revenue,
  round(sum(p.amount_due) - sum(p.amount_collected), 2) as leakage,
  round(avg(p.is_failed::int), 4) as failure_rate
from {{ ref('stg_payments') }} as p
join {{ ref('raw_customers') }} as c using (customer_id)
group by c.plan
order by c.plan
