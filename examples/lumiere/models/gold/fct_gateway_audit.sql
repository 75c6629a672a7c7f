-- Per gateway: how many billing attempts failed and what that cost. failure_rate = failed / attempts,
-- where an attempt is a charge that was tried (unbilled renewals were never tried).
select
    gateway,
    gateway_family,
    count(*) as billing_cycles,
    count(*) filter (where is_attempt) as attempts,
    count(*) filter (where payment_status = 'failed') as failed_payments,
    count(*) filter (where payment_status = 'failed') / count(*) filter (where is_attempt) as failure_rate,
    sum(list_price) as expected_revenue,
    sum(list_price) filter (where is_attempt) as attempted_revenue,
    sum(collected_amount) as collected_revenue,
    sum(failed_amount) as failed_revenue,
    sum(undercharge_amount) as undercharge_loss,
    sum(unbilled_amount) as unbilled_revenue,
    sum(list_price) - sum(collected_amount) as leakage,
    count(*) filter (where is_undercharged) as undercharged_payments,
    count(*) filter (where payment_status = 'unbilled') as unbilled_renewals
from {{ ref('stg_subscriptions') }}
group by gateway, gateway_family
