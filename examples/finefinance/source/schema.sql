-- FineFinance operational database (the "source"): a C2C fintech's PostgreSQL schema.
-- Money is numeric(14,2) in euros; every movement on an account is one row of app.transactions
-- (a P2P transfer is two rows: a debit on the sender's account, a credit on the receiver's).
-- Loaded by generate/generate.mjs over COPY; tsdbt reads it as sources and builds the warehouse
-- schemas (staging, snapshots, marts) in the same database.

create schema if not exists app;

create table app.advisors (
  advisor_id   integer primary key,
  full_name    text not null,
  email        text not null unique,
  branch       text not null,
  hired_on     date not null
);

create table app.customers (
  customer_id  integer primary key,
  full_name    text not null,
  email        text not null unique,
  birth_date   date not null,
  city         text not null,
  country      text not null,
  -- Customer value segment, changes over time (upgrades/downgrades): tracked by an SCD2 snapshot.
  profile      text not null check (profile in ('Bronze', 'Gold', 'Diamond')),
  advisor_id   integer not null references app.advisors (advisor_id),
  created_at   timestamp not null,
  updated_at   timestamp not null,
  check (updated_at >= created_at)
);

create table app.accounts (
  account_id       integer primary key,
  customer_id      integer not null references app.customers (customer_id),
  account_type     text not null check (account_type in ('checking', 'savings')),
  currency         text not null default 'EUR',
  overdraft_limit  numeric(14,2) not null default 0 check (overdraft_limit >= 0),
  status           text not null check (status in ('open', 'closed')),
  opened_at        timestamp not null,
  updated_at       timestamp not null
);

create table app.loans (
  loan_id        integer primary key,
  customer_id    integer not null references app.customers (customer_id),
  account_id     integer not null references app.accounts (account_id),
  principal      numeric(14,2) not null check (principal > 0),
  annual_rate    numeric(6,4) not null check (annual_rate >= 0),
  term_months    integer not null check (term_months > 0),
  status         text not null check (status in ('active', 'repaid', 'defaulted')),
  disbursed_at   timestamp not null,
  updated_at     timestamp not null
);

create table app.investments (
  investment_id    integer primary key,
  customer_id      integer not null references app.customers (customer_id),
  account_id       integer not null references app.accounts (account_id),
  product          text not null check (product in ('etf', 'bonds', 'equity_fund', 'savings_plan')),
  status           text not null check (status in ('open', 'closed')),
  opened_at        timestamp not null,
  updated_at       timestamp not null
);

create table app.transactions (
  transaction_id           bigint primary key,
  account_id               integer not null references app.accounts (account_id),
  kind                     text not null check (kind in ('deposit', 'withdrawal', 'p2p_transfer', 'loan_disbursement', 'loan_repayment', 'investment_buy', 'investment_sell')),
  -- credit: money in; debit: money out. Deposits, disbursements and investment sales are credits;
  -- withdrawals, repayments and investment purchases are debits; transfers are one of each.
  direction                text not null check (direction in ('credit', 'debit')),
  amount                   numeric(14,2) not null check (amount > 0),
  -- What FineFinance earns: fees charged on the movement (debited on top of the amount) ...
  fee                      numeric(10,2) not null default 0 check (fee >= 0),
  -- ... and, on loan repayments, the interest part of the amount.
  interest                 numeric(14,2) not null default 0 check (interest >= 0),
  counterparty_account_id  integer references app.accounts (account_id),
  loan_id                  integer references app.loans (loan_id),
  investment_id            integer references app.investments (investment_id),
  description              text not null,
  created_at               timestamp not null,
  check ((kind = 'p2p_transfer') = (counterparty_account_id is not null)),
  check (counterparty_account_id <> account_id),
  check ((kind in ('loan_disbursement', 'loan_repayment')) = (loan_id is not null)),
  check ((kind in ('investment_buy', 'investment_sell')) = (investment_id is not null)),
  check (interest <= amount and (interest = 0 or kind = 'loan_repayment'))
);

create index transactions_account_created on app.transactions (account_id, created_at);
create index transactions_created on app.transactions (created_at);
create index transactions_loan on app.transactions (loan_id) where loan_id is not null;
create index transactions_investment on app.transactions (investment_id) where investment_id is not null;
