-- Statement totals equal transaction totals: over all statements, credits, debits (with fees),
-- fees and counts equal the sums over fct_transactions; and every account's latest closing balance
-- equals the sum of its signed movements. Returns one row per total that differs.
with statements as (
  select
    sum(credits) as credits,
    sum(debits) as debits,
    sum(fees) as fees,
    sum(transaction_count) as transaction_count
  from {{ ref('monthly_account_statement') }}
),

transactions as (
  select
    coalesce(sum(amount) filter (where direction = 'credit'), 0) as credits,
    coalesce(sum(amount) filter (where direction = 'debit'), 0) + coalesce(sum(fee), 0) as debits,
    coalesce(sum(fee), 0) as fees,
    count(*) as transaction_count
  from {{ ref('fct_transactions') }}
),

totals as (
  select 'credits' as total, s.credits as statements, t.credits as transactions from statements as s, transactions as t
  union all select 'debits', s.debits, t.debits from statements as s, transactions as t
  union all select 'fees', s.fees, t.fees from statements as s, transactions as t
  union all select 'transaction_count', s.transaction_count, t.transaction_count from statements as s, transactions as t
),

latest_closing as (
  select distinct on (account_id) account_id, closing_balance
  from {{ ref('monthly_account_statement') }}
  order by account_id, statement_month desc
),

account_balances as (
  select account_id, sum(signed_amount) as balance
  from {{ ref('fct_transactions') }}
  group by account_id
)

select total, statements, transactions
from totals
where statements is distinct from transactions
union all
select 'closing balance of account ' || c.account_id, c.closing_balance, coalesce(b.balance, 0)
from latest_closing as c
left join account_balances as b on b.account_id = c.account_id
where c.closing_balance <> coalesce(b.balance, 0)
