-- Every dollar of leakage is explained: expected - collected = failed + under-charged + unbilled,
-- per plan and per gateway, to the cent (DECIMAL arithmetic: exact).
select 'plan' as level, plan_tier as name, leakage, failed_revenue + undercharge_loss + unbilled_revenue as explained
from {{ ref('fct_revenue_leakage') }}
where leakage <> failed_revenue + undercharge_loss + unbilled_revenue
   or leakage <> expected_revenue - collected_revenue
union all
select 'gateway', gateway, leakage, failed_revenue + undercharge_loss + unbilled_revenue
from {{ ref('fct_gateway_audit') }}
where leakage <> failed_revenue + undercharge_loss + unbilled_revenue
