-- One row per day, from the first month with any data (a sign-up, an account, a transaction)
-- through the last day with transactions. PostgreSQL's generate_series.
with bounds as (
  select
    date_trunc('month', least(
      (select min(signed_up_at) from {{ ref('stg_customers') }}),
      (select min(opened_at) from {{ ref('stg_accounts') }}),
      (select min(created_at) from {{ ref('stg_transactions') }})
    ))::date as first_day,
    (select max(created_at) from {{ ref('stg_transactions') }})::date as last_day
)

select
  d::date as date_day,
  extract(year from d)::int as year,
  extract(quarter from d)::int as quarter,
  extract(month from d)::int as month_of_year,
  date_trunc('month', d)::date as month_start,
  to_char(d, 'YYYY-MM') as year_month,
  trim(to_char(d, 'Month')) as month_name,
  extract(day from d)::int as day_of_month,
  extract(isodow from d)::int as day_of_week,
  trim(to_char(d, 'Day')) as day_name,
  extract(week from d)::int as iso_week,
  extract(isodow from d) >= 6 as is_weekend,
  d::date = (date_trunc('month', d) + interval '1 month - 1 day')::date as is_month_end,
  d::date = b.last_day as is_last_data_day
from bounds as b
cross join generate_series(b.first_day, b.last_day, interval '1 day') as d
