// Macro files every project gets before its own (a project macro with the same name overrides).
// Keyed by a pseudo path used in error messages.

/** dbt's built-in generic tests: each selects the failing rows of `model`. */
const GENERIC_TESTS = `
{% macro get_where_subquery(relation) -%}
  {%- set where = config.get('where') -%}
  {%- if where -%}
    {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
  {%- else -%}
    {%- do return(relation) -%}
  {%- endif -%}
{%- endmacro %}

{% macro should_store_failures() -%}
  {%- set store = config.get('store_failures') -%}
  {%- if store is none -%}{%- set store = flags.STORE_FAILURES -%}{%- endif -%}
  {%- do return(store) -%}
{%- endmacro %}

{% test unique(model, column_name) %}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{% endtest %}

{% test not_null(model, column_name) %}
{%- set column_list = '*' if should_store_failures() else column_name %}
select {{ column_list }}
from {{ model }}
where {{ column_name }} is null
{% endtest %}

{% test accepted_values(model, column_name, values, quote=True) %}
with all_values as (
    select
        {{ column_name }} as value_field,
        count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
)
select *
from all_values
where value_field not in (
    {% for value in values -%}
        {% if quote -%}
        '{{ value }}'
        {%- else -%}
        {{ value }}
        {%- endif -%}
        {%- if not loop.last -%},{%- endif %}
    {%- endfor %}
)
{% endtest %}

{% test relationships(model, column_name, to, field) %}
with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),
parent as (
    select {{ field }} as to_field
    from {{ to }}
)
select
    from_field
from child
left join parent
    on child.from_field = parent.to_field
where parent.to_field is null
{% endtest %}
`;

/** dbt's hook helpers: a hook as JSON `{"sql": …, "transaction": …}` (read by execute/hooks.ts). */
const HOOK_MACROS = `
{% macro make_hook_config(sql, inside_transaction) -%}
  {{ tojson({"sql": sql, "transaction": inside_transaction}) }}
{%- endmacro %}
{% macro before_begin(sql) -%}{{ make_hook_config(sql, inside_transaction=False) }}{%- endmacro %}
{% macro in_transaction(sql) -%}{{ make_hook_config(sql, inside_transaction=True) }}{%- endmacro %}
{% macro after_commit(sql) -%}{{ make_hook_config(sql, inside_transaction=False) }}{%- endmacro %}
`;

export const BUILTIN_MACRO_FILES: Record<string, string> = {
  'tsdbt/macros/generic_tests.sql': GENERIC_TESTS,
  'tsdbt/macros/hooks.sql': HOOK_MACROS,
};
