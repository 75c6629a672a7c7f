-- One row per version of a customer (SCD Type 2), from customers_snapshot.
-- History before the first snapshot is unknown: a customer's first recorded version is taken to
-- hold since sign-up, so every transaction finds the version valid at its time.
with versions as (
  select
    dbt_scd_id as customer_sk,
    customer_id,
    row_number() over (partition by customer_id order by dbt_valid_from) as version_number,
    full_name as customer_name,
    lower(email) as email,
    birth_date,
    city,
    country,
    profile,
    advisor_id,
    created_at as signed_up_at,
    dbt_valid_from as recorded_from,
    dbt_valid_to as valid_to
  from {{ ref('customers_snapshot') }}
)

select
  v.customer_sk,
  v.customer_id,
  v.version_number,
  v.customer_name,
  v.email,
  v.birth_date,
  v.city,
  v.country,
  v.profile,
  v.advisor_id,
  a.advisor_name,
  a.advisor_email,
  a.branch as advisor_branch,
  v.signed_up_at,
  case when v.version_number = 1 then least(v.signed_up_at, v.recorded_from) else v.recorded_from end as valid_from,
  v.valid_to,
  v.valid_to is null as is_current,
  v.recorded_from
from versions as v
left join {{ ref('stg_advisors') }} as a on a.advisor_id = v.advisor_id
