-- Expected vs collected revenue per plan. expected = list price of every billing cycle;
-- leakage = expected - collected = failed payments + under-charges + unbilled renewals.
select
    s.plan_tier,
    p.list_price,
    count(*) as billing_cycles,
    sum(s.list_price) as expected_revenue,
    sum(s.collected_amount) as collected_revenue,
    sum(s.failed_amount) as failed_revenue,
    sum(s.undercharge_amount) as undercharge_loss,
    sum(s.unbilled_amount) as unbilled_revenue,
    sum(s.list_price) - sum(s.collected_amount) as leakage,
    (sum(s.list_price) - sum(s.collected_amount)) / sum(s.list_price) as leakage_rate
from {{ ref('stg_subscriptions') }} as s
join {{ ref('plan_prices') }} as p using (plan_tier)
group by s.plan_tier, p.list_price
