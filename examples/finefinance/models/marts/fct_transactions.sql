-- One row per transaction (a P2P transfer is two: one per account), with the customer version
-- (SCD2) valid when it happened. Incremental: each run merges the rows created after the newest
-- one already loaded; app.transactions is append-only, so nothing older changes.
{{
  config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='transaction_id',
    on_schema_change='fail'
  )
}}

with transactions as (
  select *
  from {{ ref('stg_transactions') }}
  {% if is_incremental() %}
  where created_at > (select max(created_at) from {{ this }})
  {% endif %}
)

select
  t.transaction_id,
  t.account_id,
  a.customer_id,
  c.customer_sk,
  t.created_at,
  t.transaction_date,
  t.transaction_month,
  t.kind,
  t.direction,
  t.amount,
  t.fee,
  t.interest,
  t.signed_amount,
  t.revenue,
  t.is_initiated,
  t.counterparty_account_id,
  t.loan_id,
  t.investment_id,
  t.description
from transactions as t
left join {{ ref('dim_account') }} as a on a.account_id = t.account_id
left join {{ ref('dim_customer') }} as c
  on c.customer_id = a.customer_id
  and t.created_at >= c.valid_from
  and (c.valid_to is null or t.created_at < c.valid_to)
