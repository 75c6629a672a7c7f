select
  advisor_id,
  full_name as advisor_name,
  lower(email) as advisor_email,
  branch,
  hired_on
from {{ source('app', 'advisors') }}
