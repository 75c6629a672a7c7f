-- Customers per profile (Bronze, Gold, Diamond) at the end of each month, from the SCD2 history
-- in dim_customer; the latest month's row is "now" (is_latest). Months before the first snapshot
-- use each customer's first recorded profile: the warehouse has no older history.
with months as (
  select
    month_start as month,
    -- the instant the month is measured at: its end, or the end of the last day with data
    (max(date_day) + 1)::timestamp as measured_before,
    max(month_start) over () = month_start as is_latest
  from {{ ref('dim_date') }}
  group by month_start
),

profiles as (
  select profile, profile_order
  from (values ('Bronze', 1), ('Gold', 2), ('Diamond', 3)) as p(profile, profile_order)
),

counts as (
  select
    m.month,
    m.is_latest,
    p.profile,
    p.profile_order,
    count(c.customer_id) as customers
  from months as m
  cross join profiles as p
  left join {{ ref('dim_customer') }} as c
    on c.profile = p.profile
    and c.valid_from < m.measured_before
    and (c.valid_to is null or c.valid_to >= m.measured_before)
  group by m.month, m.is_latest, p.profile, p.profile_order
)

select
  month,
  profile,
  profile_order,
  customers,
  round(100.0 * customers / nullif(sum(customers) over (partition by month), 0), 2) as share_pct,
  customers - lag(customers) over (partition by profile order by month) as change_from_previous_month,
  is_latest
from counts
