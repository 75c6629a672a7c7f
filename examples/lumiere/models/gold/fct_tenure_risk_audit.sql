-- Failure rates by tenure band (months since signup at billing time).
select
    tenure_band,
    case tenure_band when '0-3 months' then 1 when '4-12 months' then 2 when '13-24 months' then 3 when '25-36 months' then 4 else 5 end as band_order,
    count(distinct customer_id) as customers,
    count(*) filter (where is_attempt) as attempts,
    count(*) filter (where payment_status = 'failed') as failed_payments,
    count(*) filter (where payment_status = 'failed') / count(*) filter (where is_attempt) as failure_rate,
    sum(failed_amount) as failed_revenue,
    sum(list_price) - sum(collected_amount) as leakage
from {{ ref('stg_subscriptions') }}
group by tenure_band
