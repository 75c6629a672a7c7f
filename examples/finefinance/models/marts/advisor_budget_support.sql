-- Advisors' budgeting-support list: customers in the red for 3+ consecutive months (var
-- streak_min_months), one row per such streak. "In the red" for a month = the customer's total
-- closing balance over all their accounts < 0 at month end (the latest month: as it stands).
with customer_months as (
  select
    customer_id,
    statement_month,
    sum(closing_balance) as total_balance
  from {{ ref('monthly_account_statement') }}
  group by customer_id, statement_month
),

islands as (
  select
    *,
    (extract(year from statement_month) * 12 + extract(month from statement_month))::int
      - row_number() over (partition by customer_id order by statement_month) as island
  from customer_months
  where total_balance < 0
),

streaks as (
  select
    customer_id,
    min(statement_month) as streak_start,
    max(statement_month) as streak_end,
    count(*) as months_in_red,
    min(total_balance) as lowest_balance,
    (array_agg(statement_month order by total_balance, statement_month))[1] as lowest_balance_month,
    (array_agg(total_balance order by statement_month desc))[1] as balance_at_streak_end
  from islands
  group by customer_id, island
  having count(*) >= {{ var('streak_min_months') }}
),

latest as (
  select (date_trunc('month', max(transaction_date) + 1) - interval '1 month')::date as last_complete_month
  from {{ ref('fct_transactions') }}
)

select
  s.customer_id || '-' || to_char(s.streak_start, 'YYYY-MM') as streak_id,
  s.customer_id,
  c.customer_name,
  c.profile,
  c.advisor_id,
  c.advisor_name,
  c.advisor_email,
  s.streak_start,
  s.streak_end,
  s.months_in_red,
  s.lowest_balance,
  s.lowest_balance_month,
  s.balance_at_streak_end,
  s.streak_end >= l.last_complete_month as is_ongoing
from streaks as s
cross join latest as l
left join {{ ref('dim_customer') }} as c on c.customer_id = s.customer_id and c.is_current
