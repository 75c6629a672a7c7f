-- Every statement reconciles: closing = opening + credits - debits; opening = the previous
-- month's closing (0 for the account's first statement); months follow each other without gaps;
-- fees are part of debits. Returns the statements that don't.
with statements as (
  select
    *,
    lag(closing_balance) over (partition by account_id order by statement_month) as previous_closing,
    lag(statement_month) over (partition by account_id order by statement_month) as previous_month
  from {{ ref('monthly_account_statement') }}
)

select statement_id, opening_balance, credits, debits, fees, closing_balance, previous_closing, previous_month
from statements
where closing_balance <> opening_balance + credits - debits
   or opening_balance <> coalesce(previous_closing, 0)
   or (previous_month is not null and previous_month <> (statement_month - interval '1 month')::date)
   or fees > debits
   or credits < 0
   or debits < 0
