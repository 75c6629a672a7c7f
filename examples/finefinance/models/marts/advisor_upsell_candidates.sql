-- Advisors' upsell list: customers with high activity for 3+ consecutive months (var
-- streak_min_months), one row per such streak, with which kinds of activity and how high.
-- A customer-month is "high" when withdrawals total >= high_withdrawals_eur, or a loan was
-- disbursed, or loan repayments total >= high_loan_repayments_eur, or investment purchases total
-- >= high_investments_eur. The latest month counts as it stands (month to date).
with customer_months as (
  select
    customer_id,
    transaction_month as activity_month,
    coalesce(sum(amount) filter (where kind = 'withdrawal'), 0) as withdrawals,
    count(*) filter (where kind = 'loan_disbursement') as loans_disbursed,
    coalesce(sum(amount) filter (where kind = 'loan_disbursement'), 0) as loan_disbursements,
    coalesce(sum(amount) filter (where kind = 'loan_repayment'), 0) as loan_repayments,
    coalesce(sum(amount) filter (where kind = 'investment_buy'), 0) as investments
  from {{ ref('fct_transactions') }}
  where kind in ('withdrawal', 'loan_disbursement', 'loan_repayment', 'investment_buy')
  group by customer_id, transaction_month
),

flagged as (
  select
    *,
    withdrawals >= {{ var('high_withdrawals_eur') }} as high_withdrawals,
    loans_disbursed > 0 or loan_repayments >= {{ var('high_loan_repayments_eur') }} as high_loans,
    investments >= {{ var('high_investments_eur') }} as high_investments
  from customer_months
),

-- Gaps and islands: consecutive high months share (month number - row number).
islands as (
  select
    *,
    (extract(year from activity_month) * 12 + extract(month from activity_month))::int
      - row_number() over (partition by customer_id order by activity_month) as island
  from flagged
  where high_withdrawals or high_loans or high_investments
),

streaks as (
  select
    customer_id,
    min(activity_month) as streak_start,
    max(activity_month) as streak_end,
    count(*) as streak_months,
    count(*) filter (where high_withdrawals) as months_high_withdrawals,
    count(*) filter (where high_loans) as months_high_loans,
    count(*) filter (where high_investments) as months_high_investments,
    sum(withdrawals) as total_withdrawals,
    max(withdrawals) as max_monthly_withdrawals,
    sum(loans_disbursed) as loans_disbursed,
    sum(loan_disbursements) as total_loan_disbursements,
    sum(loan_repayments) as total_loan_repayments,
    sum(investments) as total_investments,
    max(investments) as max_monthly_investments
  from islands
  group by customer_id, island
  having count(*) >= {{ var('streak_min_months') }}
),

latest as (
  -- The last complete month: the streaks that reach it are still going on.
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
  s.streak_months,
  concat_ws(', ',
    case when s.months_high_withdrawals > 0 then 'withdrawals' end,
    case when s.months_high_loans > 0 then 'loans' end,
    case when s.months_high_investments > 0 then 'investments' end
  ) as activity_kinds,
  s.months_high_withdrawals,
  s.months_high_loans,
  s.months_high_investments,
  s.total_withdrawals,
  s.max_monthly_withdrawals,
  s.loans_disbursed,
  s.total_loan_disbursements,
  s.total_loan_repayments,
  s.total_investments,
  s.max_monthly_investments,
  s.streak_end >= l.last_complete_month as is_ongoing
from streaks as s
cross join latest as l
left join {{ ref('dim_customer') }} as c on c.customer_id = s.customer_id and c.is_current
