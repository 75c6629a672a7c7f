select
  customer_id,
  full_name as customer_name,
  lower(email) as email,
  birth_date,
  city,
  country,
  profile,
  advisor_id,
  created_at as signed_up_at,
  updated_at
from {{ source('app', 'customers') }}
