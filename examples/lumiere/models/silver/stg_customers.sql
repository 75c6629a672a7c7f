-- Subscribers from the CRM export: typed dates, normalised status, and the activity segment used by
-- the retention audit (inactive = no login for more than var('inactive_after_days') days).
-- Missing and future logins are kept as anomalies and land in the `unknown` segment.
with source as (
    select * from {{ ref('raw_customers') }}
),

typed as (
    select
        upper(trim(customer_id)) as customer_id,
        trim(regexp_replace(full_name, '\s+', ' ', 'g')) as full_name,
        lower(trim(email)) as email,
        trim(company) as company,
        trim(city) as city,
        {{ parse_date('signup_date') }} as signup_date,
        {{ parse_timestamp('last_login') }} as last_login_reported,
        lower(trim(subscription_status)) as status_raw
    from source
)

select
    customer_id,
    full_name,
    email,
    company,
    city,
    signup_date,
    case when last_login_reported <= date '{{ var("as_of_date") }}' + interval 1 day then last_login_reported end as last_login_at,
    case when status_raw in ('cancelled', 'canceled', 'churned') then 'cancelled' when status_raw = 'active' then 'active' end as subscription_status,
    status_raw in ('cancelled', 'canceled', 'churned') as is_churned,
    case
        when last_login_reported is null or last_login_reported > date '{{ var("as_of_date") }}' + interval 1 day then 'unknown'
        when date_diff('day', last_login_reported::date, date '{{ var("as_of_date") }}') > {{ var('inactive_after_days') }} then 'inactive'
        else 'active'
    end as activity_segment,
    last_login_reported is null as is_missing_login,
    last_login_reported > date '{{ var("as_of_date") }}' + interval 1 day as is_future_login
from typed
