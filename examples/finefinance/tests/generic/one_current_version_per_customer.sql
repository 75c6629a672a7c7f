{#- An SCD2 dimension has exactly one current version (is_current) per customer_id, and its
    versions do not overlap: each one ends where the next begins. -#}
{% test one_current_version_per_customer(model) %}
with versions as (
  select
    customer_id,
    is_current,
    valid_to,
    lead(valid_from) over (partition by customer_id order by valid_from) as next_valid_from
  from {{ model }}
)
select customer_id, count(*) filter (where is_current) as current_versions
from versions
group by customer_id
having count(*) filter (where is_current) <> 1
   or count(*) filter (where next_valid_from is distinct from valid_to) > 0
{% endtest %}
