-- Failure rate per tenure band equals the injected truth (6-decimal findings), and the newest
-- subscribers (0-3 months) are the riskiest band.
with observed as (
    select tenure_band, band_order, failure_rate from {{ ref('fct_tenure_risk_audit') }}
),

injected as (
    select segment as tenure_band, value::double as failure_rate
    from {{ ref('injected_findings') }}
    where metric = 'failure_rate' and segment like '%months'
)

select coalesce(o.tenure_band, i.tenure_band) as tenure_band, o.failure_rate, i.failure_rate as injected
from observed as o
full outer join injected as i on i.tenure_band = o.tenure_band
where coalesce(abs(o.failure_rate - i.failure_rate) > 0.00001, true)
union all
select 'riskiest band is not 0-3 months', null, null
where (select tenure_band from observed order by failure_rate desc limit 1) <> '0-3 months'
