{#- SCD Type 2 history of each subscriber's plan, gateway and status: a new version whenever one changes
    between builds (an upgrade, a move off the legacy system, a cancellation). -#}
{% snapshot subscription_plans_snapshot %}
{{
  config(
    unique_key='customer_id',
    strategy='check',
    check_cols=['plan_tier', 'gateway', 'subscription_status'],
    hard_deletes='invalidate'
  )
}}
select customer_id, plan_tier, current_list_price, gateway, gateway_family, subscription_status, last_billed_at
from {{ ref('dim_subscribers') }}
{% endsnapshot %}
