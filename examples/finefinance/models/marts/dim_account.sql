-- One row per account, with its owner.
select
  a.account_id,
  a.customer_id,
  a.account_type,
  a.currency,
  a.overdraft_limit,
  a.account_status,
  a.opened_at,
  date_trunc('month', a.opened_at)::date as opened_month,
  a.updated_at
from {{ ref('stg_accounts') }} as a
