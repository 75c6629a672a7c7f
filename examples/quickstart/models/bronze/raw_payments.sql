select
  c.customer_id * 1000 + m.month_index as payment_id,
  c.customer_id,
  m.month_index,
  {{ plan_price('c.plan') }} as amount_due,
  case when hash(c.customer_id, m.month_index) % 100 < 8 then 'failed' else 'paid' end as status
from {{ ref('raw_customers') }} as c
cross join range(0, {{ var('payments_per_customer') }}) as m(month_index)
