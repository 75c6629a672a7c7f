-- Dedupe keeps exactly one row per payment the generator wrote, and the plan and gateway totals
-- add up to the same number: nothing is dropped by a failed parse or an unmapped spelling.
with counts as (
    select
        (select count(*) from {{ ref('stg_subscriptions') }}) as silver_rows,
        (select sum(billing_cycles) from {{ ref('fct_revenue_leakage') }}) as plan_rows,
        (select sum(billing_cycles) from {{ ref('fct_gateway_audit') }}) as gateway_rows,
        (select value::bigint from {{ ref('injected_findings') }} where metric = 'generator' and segment = 'unique_payments') as injected_rows
)
select * from counts
where silver_rows is distinct from injected_rows
   or plan_rows is distinct from injected_rows
   or gateway_rows is distinct from injected_rows
