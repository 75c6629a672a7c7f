{#- SCD Type 2 history of app.customers: a new version whenever a customer's row changes (a profile
    upgrade or downgrade, a new advisor, …), found by updated_at. dbt_valid_from is the updated_at of
    the version, so two warehouses that snapshot the same source states agree row for row. -#}
{% snapshot customers_snapshot %}
{{
  config(
    unique_key='customer_id',
    strategy='timestamp',
    updated_at='updated_at'
  )
}}
select
  customer_id,
  full_name,
  email,
  birth_date,
  city,
  country,
  profile,
  advisor_id,
  created_at,
  updated_at
from {{ source('app', 'customers') }}
{% endsnapshot %}
