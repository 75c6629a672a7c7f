-- Statements and their lines agree: every line belongs to a statement of its account and month,
-- every transaction is a line, a statement with n transactions has lines numbered 1 … n, and its
-- last line's running balance is the closing balance. Returns what doesn't.
with lines as (
  select statement_id, count(*) as lines, min(line_number) as first_line, max(line_number) as last_line
  from {{ ref('statement_lines') }}
  group by statement_id
)

select 'line without a statement' as problem, l.statement_id as id
from lines as l
left join {{ ref('monthly_account_statement') }} as s on s.statement_id = l.statement_id
where s.statement_id is null

union all
select 'transaction without a line', f.transaction_id::text
from {{ ref('fct_transactions') }} as f
where not exists (select 1 from {{ ref('statement_lines') }} as sl where sl.transaction_id = f.transaction_id)

union all
select 'lines do not match the statement', s.statement_id
from {{ ref('monthly_account_statement') }} as s
left join lines as l on l.statement_id = s.statement_id
where coalesce(l.lines, 0) <> s.transaction_count
   or (l.statement_id is not null and (l.first_line <> 1 or l.last_line <> l.lines))

union all
select 'last line is not the closing balance', s.statement_id
from {{ ref('monthly_account_statement') }} as s
join {{ ref('statement_lines') }} as sl on sl.statement_id = s.statement_id and sl.line_number = s.transaction_count
where sl.running_balance <> s.closing_balance
