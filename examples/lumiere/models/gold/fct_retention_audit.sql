-- Churn for active vs inactive subscribers (inactive: no login for more than
-- var('inactive_after_days') days before var('as_of_date')); `unknown` holds missing and future logins.
select
    activity_segment,
    count(*) as customers,
    count(*) filter (where is_churned) as churned_customers,
    count(*) filter (where is_churned) / count(*) as churn_rate,
    count(*) / sum(count(*)) over () as share_of_customers,
    avg(tenure_months) as avg_tenure_months,
    coalesce(sum(current_list_price) filter (where is_churned), 0) as monthly_revenue_lost,
    coalesce(sum(current_list_price) filter (where not is_churned), 0) as monthly_revenue_retained
from {{ ref('dim_subscribers') }}
group by activity_segment
