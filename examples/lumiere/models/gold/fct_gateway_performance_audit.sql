-- Which gateways to migrate first. Benchmark = the lowest failure rate among the modern gateways.
-- recoverable_revenue = what moving the gateway's volume to benchmark performance would have
-- collected: the failures above the benchmark rate, plus its under-charges and unbilled renewals.
with audit as (
    select * from {{ ref('fct_gateway_audit') }}
),

baseline as (
    select
        min(failure_rate) filter (where gateway_family = 'modern') as benchmark_failure_rate,
        arg_min(gateway, failure_rate) filter (where gateway_family = 'modern') as benchmark_gateway,
        sum(failed_payments) filter (where gateway_family = 'modern') / sum(attempts) filter (where gateway_family = 'modern') as modern_failure_rate
    from audit
),

scored as (
    select
        a.*,
        b.benchmark_gateway,
        b.benchmark_failure_rate,
        b.modern_failure_rate,
        a.failure_rate / b.modern_failure_rate as failure_rate_vs_modern,
        (greatest(a.failure_rate - b.benchmark_failure_rate, 0) * a.attempted_revenue + a.undercharge_loss + a.unbilled_revenue)::decimal(14, 2) as recoverable_revenue
    from audit as a
    cross join baseline as b
)

select
    row_number() over (order by recoverable_revenue desc, gateway) as migration_rank,
    gateway,
    gateway_family,
    attempts,
    failure_rate,
    modern_failure_rate,
    benchmark_gateway,
    benchmark_failure_rate,
    failure_rate_vs_modern,
    failed_revenue,
    leakage,
    recoverable_revenue,
    case
        when gateway_family = 'legacy' then 'migrate first'
        when gateway = benchmark_gateway then 'migration target'
        when failure_rate > modern_failure_rate then 'migrate'
        else 'monitor'
    end as recommendation,
    case
        when gateway_family = 'legacy' then printf(
            'legacy internal billing fails %.1f%% of attempts, %.1fx the modern gateways (%.1f%%); $%,.0f recoverable on %s',
            failure_rate * 100, failure_rate_vs_modern, modern_failure_rate * 100, recoverable_revenue, benchmark_gateway)
        when gateway = benchmark_gateway then printf(
            'lowest failure rate (%.1f%%): the benchmark and the target for migrated volume', failure_rate * 100)
        when failure_rate > modern_failure_rate then printf(
            'fails %.1f%% of attempts, above the modern average (%.1f%%); $%,.0f recoverable on %s',
            failure_rate * 100, modern_failure_rate * 100, recoverable_revenue, benchmark_gateway)
        else printf(
            'fails %.1f%% of attempts, at or below the modern average (%.1f%%); $%,.0f above benchmark',
            failure_rate * 100, modern_failure_rate * 100, recoverable_revenue)
    end as reason
from scored
