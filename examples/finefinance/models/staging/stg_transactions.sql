-- One row per movement on an account, with the business definitions applied once:
-- signed_amount = (credit ? +amount : -amount) - fee, what the movement does to the balance;
-- revenue = fee + interest, what FineFinance earns on it.
select
  transaction_id,
  account_id,
  kind,
  direction,
  amount,
  fee,
  interest,
  case when direction = 'credit' then amount else -amount end - fee as signed_amount,
  fee + interest as revenue,
  -- A P2P transfer is two rows; it counts once, as an initiated transaction, on the sender's side.
  not (kind = 'p2p_transfer' and direction = 'credit') as is_initiated,
  counterparty_account_id,
  loan_id,
  investment_id,
  description,
  created_at,
  created_at::date as transaction_date,
  date_trunc('month', created_at)::date as transaction_month
from {{ source('app', 'transactions') }}
