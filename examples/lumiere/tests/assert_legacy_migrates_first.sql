-- The migration ranking puts the legacy internal system first.
select gateway, migration_rank, recommendation
from {{ ref('fct_gateway_performance_audit') }}
where migration_rank = 1 and gateway_family <> 'legacy'
union all
select 'no gateway ranked first', null, null
where not exists (select 1 from {{ ref('fct_gateway_performance_audit') }} where migration_rank = 1)
