// dbt's cross-database macros (package `dbt`: callable as `dbt.dateadd(…)` and unprefixed).
// Each dispatches on the adapter (`duckdb__`, `postgres__`, then `default__`) as dbt's do, so a
// project can override one by defining `<adapter>__<name>` or `default__<name>` itself (with a
// `dispatch:` entry for `dbt`) or the macro itself.

const DISPATCHERS = `
{% macro dateadd(datepart, interval, from_date_or_timestamp) -%}
  {{ return(adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp)) }}
{%- endmacro %}
{% macro datediff(first_date, second_date, datepart) -%}
  {{ return(adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart)) }}
{%- endmacro %}
{% macro date_trunc(datepart, date) -%}
  {{ return(adapter.dispatch('date_trunc', 'dbt')(datepart, date)) }}
{%- endmacro %}
{% macro last_day(date, datepart) -%}
  {{ return(adapter.dispatch('last_day', 'dbt')(date, datepart)) }}
{%- endmacro %}
{% macro hash(field) -%}
  {{ return(adapter.dispatch('hash', 'dbt')(field)) }}
{%- endmacro %}
{% macro concat(fields) -%}
  {{ return(adapter.dispatch('concat', 'dbt')(fields)) }}
{%- endmacro %}
{% macro type_string() -%}
  {{ return(adapter.dispatch('type_string', 'dbt')()) }}
{%- endmacro %}
{% macro type_timestamp() -%}
  {{ return(adapter.dispatch('type_timestamp', 'dbt')()) }}
{%- endmacro %}
{% macro type_int() -%}
  {{ return(adapter.dispatch('type_int', 'dbt')()) }}
{%- endmacro %}
{% macro type_bigint() -%}
  {{ return(adapter.dispatch('type_bigint', 'dbt')()) }}
{%- endmacro %}
{% macro type_float() -%}
  {{ return(adapter.dispatch('type_float', 'dbt')()) }}
{%- endmacro %}
{% macro type_numeric() -%}
  {{ return(adapter.dispatch('type_numeric', 'dbt')()) }}
{%- endmacro %}
{% macro type_boolean() -%}
  {{ return(adapter.dispatch('type_boolean', 'dbt')()) }}
{%- endmacro %}
{% macro safe_cast(field, type) -%}
  {{ return(adapter.dispatch('safe_cast', 'dbt')(field, type)) }}
{%- endmacro %}
{% macro split_part(string_text, delimiter_text, part_number) -%}
  {{ return(adapter.dispatch('split_part', 'dbt')(string_text, delimiter_text, part_number)) }}
{%- endmacro %}
{% macro escape_single_quotes(expression) -%}
  {{ return(adapter.dispatch('escape_single_quotes', 'dbt')(expression)) }}
{%- endmacro %}
{% macro string_literal(value) -%}
  {{ return(adapter.dispatch('string_literal', 'dbt')(value)) }}
{%- endmacro %}
{% macro except() -%}
  {{ return(adapter.dispatch('except', 'dbt')()) }}
{%- endmacro %}
{% macro intersect() -%}
  {{ return(adapter.dispatch('intersect', 'dbt')()) }}
{%- endmacro %}
{% macro current_timestamp() -%}
  {{ return(adapter.dispatch('current_timestamp', 'dbt')()) }}
{%- endmacro %}
{% macro listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) -%}
  {{ return(adapter.dispatch('listagg', 'dbt')(measure, delimiter_text, order_by_clause, limit_num)) }}
{%- endmacro %}
{% macro any_value(expression) -%}
  {{ return(adapter.dispatch('any_value', 'dbt')(expression)) }}
{%- endmacro %}
{% macro bool_or(expression) -%}
  {{ return(adapter.dispatch('bool_or', 'dbt')(expression)) }}
{%- endmacro %}
{% macro cast_bool_to_text(field) -%}
  {{ return(adapter.dispatch('cast_bool_to_text', 'dbt')(field)) }}
{%- endmacro %}
{% macro position(substring_text, string_text) -%}
  {{ return(adapter.dispatch('position', 'dbt')(substring_text, string_text)) }}
{%- endmacro %}
{% macro replace(field, old_chars, new_chars) -%}
  {{ return(adapter.dispatch('replace', 'dbt')(field, old_chars, new_chars)) }}
{%- endmacro %}
{% macro right(string_text, length_expression) -%}
  {{ return(adapter.dispatch('right', 'dbt')(string_text, length_expression)) }}
{%- endmacro %}
{% macro length(expression) -%}
  {{ return(adapter.dispatch('length', 'dbt')(expression)) }}
{%- endmacro %}
{% macro array_construct(inputs=[], data_type='integer') -%}
  {{ return(adapter.dispatch('array_construct', 'dbt')(inputs, data_type)) }}
{%- endmacro %}
{% macro array_append(array, new_element) -%}
  {{ return(adapter.dispatch('array_append', 'dbt')(array, new_element)) }}
{%- endmacro %}
{% macro array_concat(array_1, array_2) -%}
  {{ return(adapter.dispatch('array_concat', 'dbt')(array_1, array_2)) }}
{%- endmacro %}
`;

/** Implementations shared by every adapter unless one below overrides it. */
const DEFAULTS = `
{% macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
  dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}
{% macro default__datediff(first_date, second_date, datepart) -%}
  datediff({{ datepart }}, {{ first_date }}, {{ second_date }})
{%- endmacro %}
{% macro default__date_trunc(datepart, date) -%}
  date_trunc('{{ datepart }}', {{ date }})
{%- endmacro %}
{% macro default__last_day(date, datepart) -%}
  cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date)
{%- endmacro %}
{% macro default__hash(field) -%}
  md5(cast({{ field }} as {{ dbt.type_string() }}))
{%- endmacro %}
{% macro default__concat(fields) -%}
  {{ fields | join(' || ') }}
{%- endmacro %}
{% macro default__type_string() %}{{ return('TEXT') }}{% endmacro %}
{% macro default__type_timestamp() %}{{ return('TIMESTAMP') }}{% endmacro %}
{% macro default__type_int() %}{{ return('INT') }}{% endmacro %}
{% macro default__type_bigint() %}{{ return('BIGINT') }}{% endmacro %}
{% macro default__type_float() %}{{ return('FLOAT') }}{% endmacro %}
{% macro default__type_numeric() %}{{ return('numeric(28,6)') }}{% endmacro %}
{% macro default__type_boolean() %}{{ return('BOOLEAN') }}{% endmacro %}
{% macro default__safe_cast(field, type) -%}
  cast({{ field }} as {{ type }})
{%- endmacro %}
{% macro default__split_part(string_text, delimiter_text, part_number) -%}
  split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
{%- endmacro %}
{% macro default__escape_single_quotes(expression) -%}
  {{ expression | replace("'", "''") }}
{%- endmacro %}
{% macro default__string_literal(value) -%}
  '{{ value }}'
{%- endmacro %}
{% macro default__except() %}except{% endmacro %}
{% macro default__intersect() %}intersect{% endmacro %}
{% macro default__current_timestamp() -%}
  current_timestamp
{%- endmacro %}
{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
  {%- if limit_num -%}
  array_to_string((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], {{ delimiter_text }})
  {%- else -%}
  string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
  {%- endif -%}
{%- endmacro %}
{% macro default__any_value(expression) -%}
  any_value({{ expression }})
{%- endmacro %}
{% macro default__bool_or(expression) -%}
  bool_or({{ expression }})
{%- endmacro %}
{% macro default__cast_bool_to_text(field) -%}
  cast({{ field }} as {{ dbt.type_string() }})
{%- endmacro %}
{% macro default__position(substring_text, string_text) -%}
  position({{ substring_text }} in {{ string_text }})
{%- endmacro %}
{% macro default__replace(field, old_chars, new_chars) -%}
  replace({{ field }}, {{ old_chars }}, {{ new_chars }})
{%- endmacro %}
{% macro default__right(string_text, length_expression) -%}
  right({{ string_text }}, {{ length_expression }})
{%- endmacro %}
{% macro default__length(expression) -%}
  length({{ expression }})
{%- endmacro %}
{% macro default__array_construct(inputs, data_type) -%}
  {%- if inputs | length > 0 -%}array[ {{ inputs | join(' , ') }} ]{%- else -%}array[]::{{ data_type }}[]{%- endif -%}
{%- endmacro %}
{% macro default__array_append(array, new_element) -%}
  array_append({{ array }}, {{ new_element }})
{%- endmacro %}
{% macro default__array_concat(array_1, array_2) -%}
  array_cat({{ array_1 }}, {{ array_2 }})
{%- endmacro %}
`;

/**
 * Postgres: interval arithmetic (no `dateadd`/`datediff` functions). datediff counts calendar
 * boundaries crossed, like dbt-postgres (weeks start on Sunday).
 */
const POSTGRES = `
{% macro postgres__dateadd(datepart, interval, from_date_or_timestamp) -%}
  {%- set unit = datepart | lower -%}
  {%- if unit == 'quarter' -%}
  {{ from_date_or_timestamp }} + ((interval '3 month') * ({{ interval }}))
  {%- else -%}
  {{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }}))
  {%- endif -%}
{%- endmacro %}
{% macro postgres__datediff(first_date, second_date, datepart) -%}
  {%- set unit = datepart | lower -%}
  {%- if unit == 'year' -%}
    (date_part('year', ({{ second_date }})::date) - date_part('year', ({{ first_date }})::date))
  {%- elif unit == 'quarter' -%}
    ({{ dbt.datediff(first_date, second_date, 'year') }} * 4 + date_part('quarter', ({{ second_date }})::date) - date_part('quarter', ({{ first_date }})::date))
  {%- elif unit == 'month' -%}
    ({{ dbt.datediff(first_date, second_date, 'year') }} * 12 + date_part('month', ({{ second_date }})::date) - date_part('month', ({{ first_date }})::date))
  {%- elif unit == 'day' -%}
    (({{ second_date }})::date - ({{ first_date }})::date)
  {%- elif unit == 'week' -%}
    {#- Sunday-start weeks crossed, as dbt-postgres counts them: whole weeks, plus one when the
        day of week wraps past Sunday. -#}
    ({{ dbt.datediff(first_date, second_date, 'day') }} / 7 + case
      when date_part('dow', ({{ first_date }})::timestamp) <= date_part('dow', ({{ second_date }})::timestamp)
        then case when {{ first_date }} <= {{ second_date }} then 0 else -1 end
      else case when {{ first_date }} <= {{ second_date }} then 1 else 0 end
    end)
  {%- elif unit == 'hour' -%}
    ({{ dbt.datediff(first_date, second_date, 'day') }} * 24 + date_part('hour', ({{ second_date }})::timestamp) - date_part('hour', ({{ first_date }})::timestamp))
  {%- elif unit == 'minute' -%}
    ({{ dbt.datediff(first_date, second_date, 'hour') }} * 60 + date_part('minute', ({{ second_date }})::timestamp) - date_part('minute', ({{ first_date }})::timestamp))
  {%- elif unit == 'second' -%}
    ({{ dbt.datediff(first_date, second_date, 'minute') }} * 60 + floor(date_part('second', ({{ second_date }})::timestamp)) - floor(date_part('second', ({{ first_date }})::timestamp)))
  {%- else -%}
    {{ exceptions.raise_compiler_error("Unsupported datepart for macro datediff in postgres: " ~ datepart) }}
  {%- endif -%}
{%- endmacro %}
{% macro postgres__last_day(date, datepart) -%}
  {%- if datepart | lower == 'quarter' -%}
  cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '3', dbt.date_trunc(datepart, date))) }} as date)
  {%- else -%}
  {{ default__last_day(date, datepart) }}
  {%- endif -%}
{%- endmacro %}
{% macro postgres__type_string() %}{{ return('varchar') }}{% endmacro %}
{% macro postgres__split_part(string_text, delimiter_text, part_number) -%}
  {%- if part_number >= 0 -%}
  split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
  {%- else -%}
  split_part({{ string_text }}, {{ delimiter_text }}, (length({{ string_text }}) - length(replace({{ string_text }}, {{ delimiter_text }}, ''))) / length({{ delimiter_text }}) + 2 + ({{ part_number }}))
  {%- endif -%}
{%- endmacro %}
{% macro postgres__current_timestamp() -%}
  now()
{%- endmacro %}
{% macro postgres__any_value(expression) -%}
  min({{ expression }})
{%- endmacro %}
`;

/** DuckDB: date_add/date_diff functions, try_cast, lists instead of arrays. */
const DUCKDB = `
{% macro duckdb__dateadd(datepart, interval, from_date_or_timestamp) -%}
  date_add({{ from_date_or_timestamp }}, interval ({{ interval }}) {{ datepart }})
{%- endmacro %}
{% macro duckdb__datediff(first_date, second_date, datepart) -%}
  date_diff('{{ datepart }}', ({{ first_date }})::timestamp, ({{ second_date }})::timestamp)
{%- endmacro %}
{% macro duckdb__type_string() %}{{ return('VARCHAR') }}{% endmacro %}
{% macro duckdb__safe_cast(field, type) -%}
  try_cast({{ field }} as {{ type }})
{%- endmacro %}
{% macro duckdb__current_timestamp() -%}
  now()
{%- endmacro %}
{% macro duckdb__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
  {%- if limit_num -%}
  array_to_string(list_slice(list({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}), 1, {{ limit_num }}), {{ delimiter_text }})
  {%- else -%}
  string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
  {%- endif -%}
{%- endmacro %}
{% macro duckdb__array_construct(inputs, data_type) -%}
  {%- if inputs | length > 0 -%}[ {{ inputs | join(' , ') }} ]{%- else -%}cast([] as {{ data_type }}[]){%- endif -%}
{%- endmacro %}
{% macro duckdb__array_append(array, new_element) -%}
  list_append({{ array }}, {{ new_element }})
{%- endmacro %}
{% macro duckdb__array_concat(array_1, array_2) -%}
  list_concat({{ array_1 }}, {{ array_2 }})
{%- endmacro %}
`;

export const DBT_CROSS_DB_MACRO_FILES: Record<string, string> = {
  'tsdbt/macros/dbt/cross_db.sql': DISPATCHERS,
  'tsdbt/macros/dbt/default.sql': DEFAULTS,
  'tsdbt/macros/dbt/postgres.sql': POSTGRES,
  'tsdbt/macros/dbt/duckdb.sql': DUCKDB,
};
