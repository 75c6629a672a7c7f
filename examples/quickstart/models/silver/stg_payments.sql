select
  payment_id,
  customer_id,
  month_index,
  amount_due,
  case when status = 'paid' then amount_due else 0 end as amount_collected,
  status = 'failed' as is_failed
from {{ ref('raw_payments') }}
