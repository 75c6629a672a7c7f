-- Synthetic customers, generated in the warehouse.
select
  i as customer_id,
  'customer_' || i as customer_name,
  (['basic', 'pro', 'premium'])[1 + (hash(i) % 3)::int] as plan,
  date '2023-01-01' + (hash(i * 7) % 365)::int as signed_up_on
from range(1, {{ var('customers') }} + 1) as t(i)
