// init: scaffold a small project that runs as is on the zero-config DuckDB target.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TsdbtError } from '../errors.js';

export interface InitOptions {
  /** Project name; defaults to the folder name made safe. */
  name?: string | undefined;
}

export interface InitResult {
  projectDir: string;
  name: string;
  files: string[];
}

function scaffold(name: string): Record<string, string> {
  return {
    'tsdbt_project.yml': `name: ${name}
version: '1.0.0'

model-paths: ["models"]
macro-paths: ["macros"]

vars:
  currency: EUR

models:
  ${name}:
    +materialized: view
    marts:
      +materialized: table
      +tags: ["marts"]
`,
    'models/staging/stg_orders.sql': `-- Staging: one row per order, typed and renamed.
select *
from (values
  (1, 1, date '2024-01-03', 1250),
  (2, 2, date '2024-01-04', 990),
  (3, 1, date '2024-02-11', 4300)
) as t(order_id, customer_id, ordered_at, amount_cents)
`,
    'models/staging/stg_customers.sql': `select *
from (values (1, 'Ada'), (2, 'Grace')) as t(customer_id, customer_name)
`,
    'models/marts/customer_revenue.sql': `{{ config(materialized='table') }}

select
  c.customer_id,
  c.customer_name,
  count(*) as orders,
  {{ cents_to_amount('sum(o.amount_cents)') }} as revenue,
  '{{ var("currency") }}' as currency
from {{ ref('stg_orders') }} as o
join {{ ref('stg_customers') }} as c using (customer_id)
group by 1, 2
`,
    'models/marts/schema.yml': `version: 2

models:
  - name: customer_revenue
    description: Revenue per customer.
    columns:
      - name: customer_id
        description: One row per customer.
`,
    'macros/cents_to_amount.sql': `{% macro cents_to_amount(column) -%}
  round({{ column }} / 100.0, 2)
{%- endmacro %}
`,
    '.gitignore': 'target/\n*.duckdb\n*.duckdb.wal\n',
  };
}

export function init(dir: string, options: InitOptions = {}): InitResult {
  const projectDir = path.resolve(dir);
  if (existsSync(projectDir) && readdirSync(projectDir).length > 0) {
    throw new TsdbtError('usage', `${dir} exists and is not empty`, { hint: 'choose a new folder name' });
  }
  const name = options.name ?? (path.basename(projectDir).replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1') || 'my_project');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TsdbtError('usage', `project name \`${name}\` must use letters, digits and underscores`);
  const files = scaffold(name);
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(projectDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return { projectDir, name, files: Object.keys(files) };
}
