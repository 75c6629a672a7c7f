-- Expected, collected and lost revenue per plan must equal what the generator injected.
-- Both sides are exact sums of cents (integers in the generator, DECIMAL in SQL), so any
-- difference is a lost or misclassified row, and the smallest such error is $3.00 (a Basic
-- under-charge). The tolerance of one cent only absorbs rendering; it never hides a row.
with observed as (
    select plan_tier, expected_revenue, collected_revenue, leakage
    from {{ ref('fct_revenue_leakage') }}
),

injected as (
    select
        segment as plan_tier,
        max(case when metric = 'expected_revenue' then value::decimal(18, 2) end) as expected_revenue,
        max(case when metric = 'collected_revenue' then value::decimal(18, 2) end) as collected_revenue,
        max(case when metric = 'leakage' then value::decimal(18, 2) end) as leakage
    from {{ ref('injected_findings') }}
    where metric in ('expected_revenue', 'collected_revenue', 'leakage')
      and segment in (select plan_tier from {{ ref('plan_prices') }})
    group by segment
)

select
    coalesce(o.plan_tier, i.plan_tier) as plan_tier,
    o.expected_revenue, i.expected_revenue as injected_expected,
    o.collected_revenue, i.collected_revenue as injected_collected,
    o.leakage, i.leakage as injected_leakage
from observed as o
full outer join injected as i on i.plan_tier = o.plan_tier
where coalesce(abs(o.expected_revenue - i.expected_revenue) > 0.01, true)
   or coalesce(abs(o.collected_revenue - i.collected_revenue) > 0.01, true)
   or coalesce(abs(o.leakage - i.leakage) > 0.01, true)
