-- Churn per activity segment equals the injected truth, and inactive subscribers (no login for
-- over 30 days) churn more than active ones, which is the finding the retention audit exists for.
with observed as (
    select activity_segment, customers, churn_rate from {{ ref('fct_retention_audit') }}
),

injected as (
    select
        segment as activity_segment,
        max(case when metric = 'customers' then value::bigint end) as customers,
        max(case when metric = 'churn_rate' then value::double end) as churn_rate
    from {{ ref('injected_findings') }}
    where metric in ('customers', 'churn_rate')
    group by segment
)

select coalesce(o.activity_segment, i.activity_segment) as activity_segment, o.customers, i.customers as injected_customers, o.churn_rate, i.churn_rate as injected_churn_rate
from observed as o
full outer join injected as i using (activity_segment)
where o.customers is distinct from i.customers
   or coalesce(abs(o.churn_rate - i.churn_rate) > 0.00001, true)
union all
select 'inactive <= active', null, null, null, null
where (select churn_rate from observed where activity_segment = 'inactive')
   <= (select churn_rate from observed where activity_segment = 'active')
