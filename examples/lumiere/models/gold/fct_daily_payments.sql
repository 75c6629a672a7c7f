{{
  config(
    materialized='incremental',
    unique_key=['payment_date', 'gateway'],
    incremental_strategy='delete+insert',
    on_schema_change='fail'
  )
}}
-- Daily payment outcomes per gateway. Incremental: a later run recomputes only the last
-- var('lookback_days') days already in the table (records arrive late) and replaces those days.
select
    billed_date as payment_date,
    gateway,
    gateway_family,
    count(*) filter (where is_attempt) as attempts,
    count(*) filter (where payment_status = 'failed') as failed_payments,
    count(*) filter (where payment_status = 'unbilled') as unbilled_renewals,
    sum(collected_amount) as collected_revenue,
    sum(list_price) - sum(collected_amount) as leakage
from {{ ref('stg_subscriptions') }}
{% if is_incremental() %}
where billed_date >= (select max(payment_date) - {{ var('lookback_days') }} from {{ this }})
{% endif %}
group by billed_date, gateway, gateway_family
