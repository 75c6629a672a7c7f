select
  account_id,
  customer_id,
  account_type,
  currency,
  overdraft_limit,
  status as account_status,
  opened_at,
  updated_at
from {{ source('app', 'accounts') }}
