-- The generator makes the legacy internal system fail 60% of attempts. The audit must find
-- var('legacy_failure_rate') ± var('failure_rate_tolerance') (sampling noise: at 50k rows the
-- standard error is ~0.004, so ±0.02 is five of them), and exactly the rate the generator recorded
-- from its clean truth (findings are rounded to 6 decimals, hence 1e-5).
with observed as (
    select sum(failed_payments) / sum(attempts) as failure_rate
    from {{ ref('fct_gateway_audit') }}
    where gateway_family = 'legacy'
),

injected as (
    select value::double as failure_rate
    from {{ ref('injected_findings') }}
    where metric = 'failure_rate' and segment = 'legacy'
)

select o.failure_rate as observed, i.failure_rate as injected
from observed as o
full outer join injected as i on true
where coalesce(abs(o.failure_rate - {{ var('legacy_failure_rate') }}) > {{ var('failure_rate_tolerance') }}, true)
   or coalesce(abs(o.failure_rate - i.failure_rate) > 0.00001, true)
