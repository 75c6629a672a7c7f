-- The customer's monthly statement: one row per account and calendar month, from the account's
-- first month through the last month with data (the latest month is month-to-date).
--   credits = money in; debits = money out including fees (also shown apart as `fees`);
--   closing = opening + credits - debits; opening = the previous month's closing (0 at first).
-- The lines of each statement are in statement_lines.
with movements as (
  select
    account_id,
    transaction_month as statement_month,
    coalesce(sum(amount) filter (where direction = 'credit'), 0) as credits,
    coalesce(sum(amount) filter (where direction = 'debit'), 0) + sum(fee) as debits,
    sum(fee) as fees,
    sum(interest) as interest_paid,
    count(*) as transaction_count
  from {{ ref('fct_transactions') }}
  group by account_id, transaction_month
),

first_movements as (
  select account_id, min(statement_month) as first_movement_month
  from movements
  group by account_id
),

-- Every month of the calendar (dim_date runs to the last day with transactions). A join rather
-- than generate_series per account, so that PostgreSQL estimates the row count right.
months as (
  select distinct month_start as statement_month from {{ ref('dim_date') }}
),

account_months as (
  select
    a.account_id,
    a.customer_id,
    a.account_type,
    a.currency,
    a.overdraft_limit,
    m.statement_month
  from {{ ref('dim_account') }} as a
  left join first_movements as f on f.account_id = a.account_id
  join months as m on m.statement_month >= least(a.opened_month, f.first_movement_month)
),

statements as (
  select
    am.*,
    coalesce(v.credits, 0) as credits,
    coalesce(v.debits, 0) as debits,
    coalesce(v.fees, 0) as fees,
    coalesce(v.interest_paid, 0) as interest_paid,
    coalesce(v.transaction_count, 0) as transaction_count,
    sum(coalesce(v.credits, 0) - coalesce(v.debits, 0))
      over (partition by am.account_id order by am.statement_month rows between unbounded preceding and current row) as closing_balance
  from account_months as am
  left join movements as v on v.account_id = am.account_id and v.statement_month = am.statement_month
)

select
  s.account_id || '-' || to_char(s.statement_month, 'YYYY-MM') as statement_id,
  s.account_id,
  s.customer_id,
  c.customer_name,
  s.account_type,
  s.currency,
  s.statement_month,
  (s.statement_month + interval '1 month - 1 day')::date as period_end,
  -- Money columns typed explicitly: sums lose numeric's scale, and statements print with cents.
  (s.closing_balance - s.credits + s.debits)::numeric(14,2) as opening_balance,
  s.credits::numeric(14,2) as credits,
  s.debits::numeric(14,2) as debits,
  s.fees::numeric(14,2) as fees,
  s.interest_paid::numeric(14,2) as interest_paid,
  s.closing_balance::numeric(14,2) as closing_balance,
  s.transaction_count,
  s.overdraft_limit,
  s.closing_balance < 0 as is_overdrawn
from statements as s
left join {{ ref('dim_customer') }} as c on c.customer_id = s.customer_id and c.is_current
