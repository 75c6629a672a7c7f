-- One row per subscriber: CRM attributes plus the plan, gateway and price of their latest billing
-- cycle. The snapshot subscription_plans_snapshot records how plan, gateway and status change.
with latest as (
    select
        customer_id,
        arg_max(plan_tier, billed_at) as plan_tier,
        arg_max(list_price, billed_at) as current_list_price,
        arg_max(gateway, billed_at) as gateway,
        arg_max(gateway_family, billed_at) as gateway_family,
        min(billed_at) as first_billed_at,
        max(billed_at) as last_billed_at,
        count(*) as billing_cycles,
        max(tenure_months) as tenure_months
    from {{ ref('stg_subscriptions') }}
    group by customer_id
)

select
    c.customer_id,
    c.full_name,
    c.email,
    c.company,
    c.city,
    c.signup_date,
    c.last_login_at,
    c.subscription_status,
    c.is_churned,
    c.activity_segment,
    l.plan_tier,
    l.current_list_price,
    l.gateway,
    l.gateway_family,
    l.first_billed_at,
    l.last_billed_at,
    coalesce(l.billing_cycles, 0) as billing_cycles,
    l.tenure_months
from {{ ref('stg_customers') }} as c
left join latest as l using (customer_id)
