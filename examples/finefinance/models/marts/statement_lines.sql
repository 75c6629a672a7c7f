-- The transaction lines of each monthly statement: one row per transaction on the account, in
-- booking order (created_at, transaction_id), numbered within the statement, with the account's
-- balance after the line. The last line of a month has the statement's closing_balance.
-- Incremental like fct_transactions: new lines continue each account's balance and numbering
-- from its last line already there.
{{
  config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='transaction_id',
    on_schema_change='fail'
  )
}}

with new_transactions as (
  select *
  from {{ ref('fct_transactions') }}
  {% if is_incremental() %}
  where created_at > (select max(created_at) from {{ this }})
  {% endif %}
),

{% if is_incremental() %}
-- Where each account with new lines stood: its last line's month, number and balance.
last_lines as (
  select distinct on (l.account_id) l.account_id, l.statement_month, l.line_number, l.running_balance
  from {{ this }} as l
  where l.account_id in (select account_id from new_transactions)
  order by l.account_id, l.created_at desc, l.transaction_id desc
),
{% endif %}

numbered as (
  select
    f.*,
    row_number() over (partition by f.account_id, f.transaction_month order by f.created_at, f.transaction_id) as month_line,
    sum(f.signed_amount)
      over (partition by f.account_id order by f.created_at, f.transaction_id rows between unbounded preceding and current row) as balance_change
  from new_transactions as f
)

select
  n.transaction_id,
  n.account_id,
  n.account_id || '-' || to_char(n.transaction_month, 'YYYY-MM') as statement_id,
  n.transaction_month as statement_month,
  {% if is_incremental() -%}
  n.month_line + case when p.statement_month = n.transaction_month then p.line_number else 0 end as line_number,
  {%- else -%}
  n.month_line as line_number,
  {%- endif %}
  n.created_at,
  n.transaction_date as booking_date,
  n.kind,
  n.description,
  n.counterparty_account_id,
  case when n.direction = 'credit' then n.amount end as credit,
  case when n.direction = 'debit' then n.amount end as debit,
  n.fee,
  n.signed_amount,
  -- Typed explicitly: sums lose numeric's scale (statements print with cents).
  {% if is_incremental() -%}
  (coalesce(p.running_balance, 0) + n.balance_change)::numeric(14,2) as running_balance
  {%- else -%}
  n.balance_change::numeric(14,2) as running_balance
  {%- endif %}
from numbered as n
{% if is_incremental() -%}
left join last_lines as p on p.account_id = n.account_id
{%- endif %}
