-- One row per subscription billing cycle, from the raw payment records of all four systems:
-- deduplicated by payment id, typed, tiers and gateways normalised, outcomes classified, anomalies flagged.
--   tier     = the plan name when it names one, else the list price mapped back to its tier
--   outcome  = success | failed | unbilled (a renewal marked processed with nothing charged)
--   leakage  = failed list price + under-charge + unbilled list price
with source as (
    select * from {{ ref('raw_payments') }}
),

deduped as (
    -- A re-sent record carries the same payment; keep one copy, remember how many there were.
    select *, count(*) over (partition by payment_id) as source_copies
    from source
    qualify row_number() over (partition by payment_id order by billed_at, gateway, status, amount) = 1
),

typed as (
    select
        trim(payment_id) as payment_id,
        upper(trim(customer_id)) as customer_id,
        nullif(regexp_extract(lower(plan_name), '(premium|basic|pro)'), '') as plan_key,
        {{ parse_money('plan_price') }} as recorded_price,
        {{ parse_money('amount') }} as recorded_amount,
        lower(trim(status)) as status_raw,
        {{ alias_key('gateway') }} as gateway_key,
        {{ parse_timestamp('billed_at') }} as billed_at,
        source_copies
    from deduped
),

classified as (
    select
        t.*,
        by_name.plan_tier as tier_from_name,
        by_price.plan_tier as tier_from_price,
        coalesce(by_name.plan_tier, by_price.plan_tier) as plan_tier,
        coalesce(by_name.list_price, by_price.list_price) as list_price,
        g.gateway,
        g.gateway_family,
        case
            when {{ in_list('t.status_raw', var('success_statuses')) }} and coalesce(abs(t.recorded_amount), 0) = 0 then 'unbilled'
            when {{ in_list('t.status_raw', var('success_statuses')) }} then 'success'
            when {{ in_list('t.status_raw', var('failure_statuses')) }} then 'failed'
            else 'unknown'
        end as payment_status,
        c.signup_date
    from typed as t
    left join {{ ref('plan_prices') }} as by_name on by_name.plan_key = t.plan_key
    left join {{ ref('plan_prices') }} as by_price on by_price.list_price = t.recorded_price
    left join {{ ref('gateway_aliases') }} as g on g.alias_key = t.gateway_key
    left join {{ ref('stg_customers') }} as c on c.customer_id = t.customer_id
)

select
    payment_id,
    customer_id,
    plan_tier,
    list_price,
    gateway,
    gateway_family,
    billed_at,
    billed_at::date as billed_date,
    payment_status,
    payment_status in ('success', 'failed') as is_attempt,
    case when payment_status = 'success' then abs(recorded_amount) else 0 end::decimal(12, 2) as collected_amount,
    case when payment_status = 'failed' then list_price else 0 end::decimal(12, 2) as failed_amount,
    case when payment_status = 'success' then greatest(list_price - abs(recorded_amount), 0) else 0 end::decimal(12, 2) as undercharge_amount,
    case when payment_status = 'unbilled' then list_price else 0 end::decimal(12, 2) as unbilled_amount,
    date_diff('month', signup_date, billed_at::date) as tenure_months,
    case
        when signup_date is null or billed_at is null then 'unknown'
        when date_diff('month', signup_date, billed_at::date) <= 3 then '0-3 months'
        when date_diff('month', signup_date, billed_at::date) <= 12 then '4-12 months'
        when date_diff('month', signup_date, billed_at::date) <= 24 then '13-24 months'
        else '25-36 months'
    end as tenure_band,
    -- anomalies, as found in the source
    source_copies,
    source_copies > 1 as is_duplicated_in_source,
    recorded_amount < 0 as is_negative_amount,
    coalesce(recorded_amount, 0) = 0 as is_zero_or_missing_amount,
    recorded_price is null as is_missing_price,
    plan_key is null as is_missing_plan_name,
    tier_from_name <> tier_from_price as is_price_tier_mismatch,
    payment_status = 'success' and abs(recorded_amount) < list_price as is_undercharged
from classified
