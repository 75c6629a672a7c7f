// The dbt_utils macros tsdbt ships (package `dbt_utils`: callable as `dbt_utils.<name>`, never
// unprefixed, as in dbt). Written from dbt_utils' documented behaviour; each public macro
// dispatches on `dbt_utils` so a project can override `default__<name>` through `dispatch:`.

const HELPERS = `
{% macro _is_relation(obj, macro) -%}
  {%- if obj is string or obj.identifier is not defined -%}
    {{ exceptions.raise_compiler_error("Macro " ~ macro ~ " expected a Relation but received the value: " ~ obj) }}
  {%- endif -%}
{%- endmacro %}
{% macro _is_ephemeral(obj, macro) -%}
  {%- if obj.type == 'cte' or obj.is_cte -%}
    {{ exceptions.raise_compiler_error("The " ~ macro ~ " macro cannot be used with ephemeral models, as it relies on the information schema. \`" ~ obj.identifier ~ "\` is an ephemeral model. Consider making it a view or table instead.") }}
  {%- endif -%}
{%- endmacro %}
{% macro slugify(string) -%}
  {%- set string = modules.re.sub('[ -]+', '_', string) -%}
  {%- set string = modules.re.sub('[^a-z0-9_]+', '', string | lower) -%}
  {%- if modules.re.match('^[0-9]', string) -%}{%- set string = '_' ~ string -%}{%- endif -%}
  {{ return(string) }}
{%- endmacro %}
{% macro get_filtered_columns_in_relation(from, except=[]) -%}
  {{ return(adapter.dispatch('get_filtered_columns_in_relation', 'dbt_utils')(from, except)) }}
{%- endmacro %}
{% macro default__get_filtered_columns_in_relation(from, except=[]) -%}
  {%- do dbt_utils._is_relation(from, 'get_filtered_columns_in_relation') -%}
  {%- do dbt_utils._is_ephemeral(from, 'get_filtered_columns_in_relation') -%}
  {%- if not execute -%}{{ return([]) }}{%- endif -%}
  {%- set lowered = except | map('lower') | list -%}
  {%- set include = [] -%}
  {%- for col in adapter.get_columns_in_relation(from) -%}
    {%- if col.column | lower not in lowered -%}{%- do include.append(col.column) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(include) }}
{%- endmacro %}
{% macro generate_series(upper_bound) -%}
  {{ return(adapter.dispatch('generate_series', 'dbt_utils')(upper_bound)) }}
{%- endmacro %}
{% macro default__generate_series(upper_bound) -%}
  {%- set ns = namespace(n=1) -%}
  {%- for i in range(1, 64) -%}{%- if 2 ** ns.n < upper_bound -%}{%- set ns.n = ns.n + 1 -%}{%- endif -%}{%- endfor -%}
  with p as (
    select 0 as generated_number union all select 1
  ), unioned as (
    select
    {% for i in range(ns.n) -%}
    p{{ i }}.generated_number * power(2, {{ i }}){{ ' + ' if not loop.last }}
    {%- endfor %}
    + 1 as generated_number
    from
    {% for i in range(ns.n) -%}
    p as p{{ i }}{{ ' cross join ' if not loop.last }}
    {%- endfor %}
  )
  select * from unioned
  where generated_number <= {{ upper_bound }}
  order by generated_number
{%- endmacro %}
{% macro get_intervals_between(start_date, end_date, datepart) -%}
  {{ return(adapter.dispatch('get_intervals_between', 'dbt_utils')(start_date, end_date, datepart)) }}
{%- endmacro %}
{% macro default__get_intervals_between(start_date, end_date, datepart) -%}
  {%- call statement('get_intervals_between', fetch_result=True) %}
    select {{ dbt.datediff(start_date, end_date, datepart) }}
  {%- endcall -%}
  {%- set value_list = load_result('get_intervals_between') -%}
  {%- if value_list and value_list['data'] -%}
    {{ return(value_list['data'][0][0]) }}
  {%- else -%}
    {{ return(1) }}
  {%- endif -%}
{%- endmacro %}
`;

const MACROS = `
{% macro generate_surrogate_key(field_list) -%}
  {{ return(adapter.dispatch('generate_surrogate_key', 'dbt_utils')(field_list)) }}
{%- endmacro %}
{% macro default__generate_surrogate_key(field_list) -%}
  {%- if var('surrogate_key_treat_nulls_as_empty_strings', False) -%}
    {%- set default_null_value = "" -%}
  {%- else -%}
    {%- set default_null_value = '_dbt_utils_surrogate_key_null_' -%}
  {%- endif -%}
  {%- set fields = [] -%}
  {%- for field in field_list -%}
    {%- do fields.append("coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '" ~ default_null_value ~ "')") -%}
    {%- if not loop.last -%}{%- do fields.append("'-'") -%}{%- endif -%}
  {%- endfor -%}
  {{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}

{% macro date_spine(datepart, start_date, end_date) -%}
  {{ return(adapter.dispatch('date_spine', 'dbt_utils')(datepart, start_date, end_date)) }}
{%- endmacro %}
{#- One row per datepart from start_date (included) up to end_date (excluded). The number of
    periods is computed by the query itself, so compiling needs no warehouse round trip. -#}
{% macro default__date_spine(datepart, start_date, end_date) -%}
with rawdata as (
    {{ dbt_utils._tsdbt_series(dbt.datediff(start_date, end_date, datepart)) }}
),
all_periods as (
    select (
        {{ dbt.dateadd(datepart, 'generated_number', start_date) }}
    ) as date_{{ datepart }}
    from rawdata
),
filtered as (
    select *
    from all_periods
    where date_{{ datepart }} <= {{ end_date }}
)
select * from filtered
{%- endmacro %}
{#- 0 … count - 1 as generated_number, count being a SQL expression. -#}
{% macro _tsdbt_series(count) -%}
  {{ return(adapter.dispatch('_tsdbt_series', 'dbt_utils')(count)) }}
{%- endmacro %}
{% macro default___tsdbt_series(count) -%}
    select generate_series(0, cast(({{ count }}) as bigint) - 1) as generated_number
{%- endmacro %}
{% macro duckdb___tsdbt_series(count) -%}
    select unnest(range(0, cast(({{ count }}) as bigint))) as generated_number
{%- endmacro %}

{% macro star(from, relation_alias=False, except=[], prefix='', suffix='', quote_identifiers=True) -%}
  {{ return(adapter.dispatch('star', 'dbt_utils')(from, relation_alias, except, prefix, suffix, quote_identifiers)) }}
{%- endmacro %}
{% macro default__star(from, relation_alias=False, except=[], prefix='', suffix='', quote_identifiers=True) -%}
  {%- do dbt_utils._is_relation(from, 'star') -%}
  {%- do dbt_utils._is_ephemeral(from, 'star') -%}
  {%- if not execute -%}{{ return('*') }}{%- endif -%}
  {%- set cols = dbt_utils.get_filtered_columns_in_relation(from, except) -%}
  {%- if cols | length <= 0 -%}
    {%- if flags.WHICH == 'compile' -%}
      {{ return('*') }}
    {%- else -%}
      {{ return('/* no columns returned from star() macro */') }}
    {%- endif -%}
  {%- endif -%}
  {%- set out = [] -%}
  {%- for col in cols -%}
    {%- set lead = (relation_alias ~ '.') if relation_alias else '' -%}
    {%- if quote_identifiers -%}
      {%- set item = lead ~ adapter.quote(col) ~ ((' as ' ~ adapter.quote(prefix ~ col ~ suffix)) if (prefix != '' or suffix != '') else '') -%}
    {%- else -%}
      {%- set item = lead ~ col ~ ((' as ' ~ prefix ~ col ~ suffix) if (prefix != '' or suffix != '') else '') -%}
    {%- endif -%}
    {%- do out.append(item) -%}
  {%- endfor -%}
  {{ return(out | join(',\\n  ')) }}
{%- endmacro %}

{% macro pivot(column, values, alias=True, agg='sum', cmp='=', prefix='', suffix='', then_value=1, else_value=0, quote_identifiers=True, distinct=False) -%}
  {{ return(adapter.dispatch('pivot', 'dbt_utils')(column, values, alias, agg, cmp, prefix, suffix, then_value, else_value, quote_identifiers, distinct)) }}
{%- endmacro %}
{% macro default__pivot(column, values, alias=True, agg='sum', cmp='=', prefix='', suffix='', then_value=1, else_value=0, quote_identifiers=True, distinct=False) -%}
  {%- for value in values %}
  {{ agg }}(
    {%- if distinct %} distinct{% endif %}
    case
    when {{ column }} {{ cmp }} '{{ dbt.escape_single_quotes(value) }}'
      then {{ then_value }}
    else {{ else_value }}
    end
  )
    {%- if alias -%}
      {%- if quote_identifiers %} as {{ adapter.quote(prefix ~ value ~ suffix) }}
      {%- else %} as {{ dbt_utils.slugify(prefix ~ value ~ suffix) }}
      {%- endif -%}
    {%- endif -%}
    {%- if not loop.last %},{% endif -%}
  {%- endfor %}
{%- endmacro %}

{% macro unpivot(relation=none, cast_to='varchar', exclude=none, remove=none, field_name='field_name', value_name='value', quote_identifiers=False) -%}
  {{ return(adapter.dispatch('unpivot', 'dbt_utils')(relation, cast_to, exclude, remove, field_name, value_name, quote_identifiers)) }}
{%- endmacro %}
{% macro default__unpivot(relation=none, cast_to='varchar', exclude=none, remove=none, field_name='field_name', value_name='value', quote_identifiers=False) -%}
  {%- if not relation -%}
    {{ exceptions.raise_compiler_error("Error: argument \`relation\` is required for \`unpivot\` macro.") }}
  {%- endif -%}
  {%- set exclude = exclude if exclude is not none else [] -%}
  {%- set remove = remove if remove is not none else [] -%}
  {%- set skip = (exclude | map('lower') | list) + (remove | map('lower') | list) -%}
  {%- do dbt_utils._is_relation(relation, 'unpivot') -%}
  {%- set include_cols = [] -%}
  {%- for col in adapter.get_columns_in_relation(relation) -%}
    {%- if col.column | lower not in skip -%}{%- do include_cols.append(col) -%}{%- endif -%}
  {%- endfor -%}
  {%- for col in include_cols -%}
    {%- set current_col_name = adapter.quote(col.column) if quote_identifiers else col.column %}
  select
    {%- for exclude_col in exclude %}
    {{ adapter.quote(exclude_col) if quote_identifiers else exclude_col }},
    {%- endfor %}
    cast('{{ col.column }}' as {{ dbt.type_string() }}) as {{ adapter.quote(field_name) if quote_identifiers else field_name }},
    cast({% if col.data_type | lower == 'boolean' %}{{ dbt.cast_bool_to_text(current_col_name) }}{% else %}{{ current_col_name }}{% endif %} as {{ cast_to }}) as {{ adapter.quote(value_name) if quote_identifiers else value_name }}
  from {{ relation }}
    {%- if not loop.last %}
  union all
    {%- endif -%}
  {%- endfor -%}
{%- endmacro %}

{% macro union_relations(relations, column_override=none, include=[], exclude=[], source_column_name='_dbt_source_relation', where=none) -%}
  {{ return(adapter.dispatch('union_relations', 'dbt_utils')(relations, column_override, include, exclude, source_column_name, where)) }}
{%- endmacro %}
{% macro default__union_relations(relations, column_override=none, include=[], exclude=[], source_column_name='_dbt_source_relation', where=none) -%}
  {%- if exclude and include -%}
    {{ exceptions.raise_compiler_error("Both an exclude and include list were provided to the \`union\` macro. Only one is allowed") }}
  {%- endif -%}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set column_override = column_override if column_override is not none else {} -%}
  {%- set include_l = include | map('lower') | list -%}
  {%- set exclude_l = exclude | map('lower') | list -%}
  {%- set relation_columns = {} -%}
  {%- set column_superset = {} -%}
  {%- set ordered_column_names = [] -%}
  {%- for relation in relations -%}
    {%- do dbt_utils._is_relation(relation, 'union_relations') -%}
    {%- do dbt_utils._is_ephemeral(relation, 'union_relations') -%}
    {%- set names = [] -%}
    {%- for col in adapter.get_columns_in_relation(relation) -%}
      {%- set name = col.column | lower -%}
      {%- if (exclude_l and name in exclude_l) or (include_l and name not in include_l) -%}
      {%- else -%}
        {%- do names.append(name) -%}
        {%- if name not in column_superset -%}
          {%- do column_superset.update({name: col}) -%}
          {%- do ordered_column_names.append(name) -%}
        {%- endif -%}
      {%- endif -%}
    {%- endfor -%}
    {%- do relation_columns.update({relation ~ '': names}) -%}
  {%- endfor -%}
  {%- for relation in relations %}
    (
      select
        {%- if source_column_name is not none %}
        cast({{ dbt.string_literal(relation) }} as {{ dbt.type_string() }}) as {{ source_column_name }},
        {%- endif %}
        {% for col_name in ordered_column_names -%}
          {%- set col = column_superset[col_name] -%}
          {%- set col_type = column_override.get(col.column, col.data_type) -%}
          {%- set expr = adapter.quote(col_name) if col_name in relation_columns[relation ~ ''] else 'null' -%}
        cast({{ expr }} as {{ col_type }}) as {{ adapter.quote(col_name) }}{{ ',' if not loop.last }}
        {% endfor %}
      from {{ relation }}
      {%- if where %}
      where {{ where }}
      {%- endif %}
    )
    {%- if not loop.last %}
    union all
    {%- endif -%}
  {%- endfor -%}
{%- endmacro %}

{% macro get_column_values(table, column, order_by='count(*) desc', max_records=none, default=none, where=none) -%}
  {{ return(adapter.dispatch('get_column_values', 'dbt_utils')(table, column, order_by, max_records, default, where)) }}
{%- endmacro %}
{% macro default__get_column_values(table, column, order_by='count(*) desc', max_records=none, default=none, where=none) -%}
  {%- if not execute -%}
    {{ return(default if default is not none else []) }}
  {%- endif -%}
  {%- do dbt_utils._is_ephemeral(table, 'get_column_values') -%}
  {%- set target_relation = adapter.get_relation(database=table.database, schema=table.schema, identifier=table.identifier) -%}
  {%- if target_relation is none -%}
    {%- if default is none -%}
      {{ exceptions.raise_compiler_error("In get_column_values(): relation " ~ table ~ " does not exist and no default value was provided.") }}
    {%- endif -%}
    {{ return(default) }}
  {%- endif -%}
  {%- set query -%}
    select {{ column }} as value
    from {{ target_relation }}
    {% if where is not none %}where {{ where }}{% endif %}
    group by {{ column }}
    order by {{ order_by }}
    {% if max_records is not none %}limit {{ max_records }}{% endif %}
  {%- endset -%}
  {%- set results = run_query(query) -%}
  {{ return(results.columns[0].values() | list) }}
{%- endmacro %}

{% macro deduplicate(relation, partition_by, order_by) -%}
  {{ return(adapter.dispatch('deduplicate', 'dbt_utils')(relation, partition_by, order_by)) }}
{%- endmacro %}
{% macro default__deduplicate(relation, partition_by, order_by) -%}
    with row_numbered as (
        select
            _inner.*,
            row_number() over (
                partition by {{ partition_by }}
                order by {{ order_by }}
            ) as rn
        from {{ relation }} as _inner
    )
    select
        distinct data.*
    from {{ relation }} as data
    natural join row_numbered
    where row_numbered.rn = 1
{%- endmacro %}
{% macro postgres__deduplicate(relation, partition_by, order_by) -%}
    select
        distinct on ({{ partition_by }}) *
    from {{ relation }}
    order by {{ partition_by }}{{ ',' ~ order_by }}
{%- endmacro %}
{% macro duckdb__deduplicate(relation, partition_by, order_by) -%}
    select *
    from {{ relation }}
    qualify
        row_number() over (
            partition by {{ partition_by }}
            order by {{ order_by }}
        ) = 1
{%- endmacro %}

{% macro safe_add(field_list) -%}
  {{ return(adapter.dispatch('safe_add', 'dbt_utils')(field_list)) }}
{%- endmacro %}
{% macro default__safe_add(field_list) -%}
  {%- if field_list is not iterable or field_list is string or field_list is mapping -%}
    {{ exceptions.raise_compiler_error("Warning: the \`safe_add\` macro now takes a single list argument instead of string arguments.") }}
  {%- endif -%}
  {%- set fields = [] -%}
  {%- for field in field_list -%}{%- do fields.append("coalesce(" ~ field ~ ", 0)") -%}{%- endfor -%}
  {{ fields | join(' +\\n  ') }}
{%- endmacro %}

{% macro group_by(n) -%}
  {{ return(adapter.dispatch('group_by', 'dbt_utils')(n)) }}
{%- endmacro %}
{% macro default__group_by(n) -%}
  group by {% for i in range(1, n + 1) -%}{{ i }}{{ ',' if not loop.last }}{%- endfor -%}
{%- endmacro %}

{% macro get_single_value(query, default=none) -%}
  {{ return(adapter.dispatch('get_single_value', 'dbt_utils')(query, default)) }}
{%- endmacro %}
{% macro default__get_single_value(query, default=none) -%}
  {%- if not execute -%}{{ return(default) }}{%- endif -%}
  {%- set result = run_query(query) -%}
  {%- set r = result.columns[0].values() | list -%}
  {%- if r | length == 0 -%}
    {%- do log('Query \`' ~ query ~ '\` returned no rows. Using the default value: ' ~ default, info=True) -%}
    {{ return(default) }}
  {%- endif -%}
  {{ return(r[0]) }}
{%- endmacro %}
`;

/** dbt_utils' generic tests: each selects the failing rows. */
const TESTS = `
{% test expression_is_true(model, expression, column_name=None) %}
  {{ return(adapter.dispatch('test_expression_is_true', 'dbt_utils')(model, expression, column_name)) }}
{% endtest %}
{% macro default__test_expression_is_true(model, expression, column_name) -%}
{%- set column_list = '*' if should_store_failures() else '1' -%}
select {{ column_list }}
from {{ model }}
{% if column_name is none -%}
where not({{ expression }})
{%- else -%}
where not({{ column_name }} {{ expression }})
{%- endif %}
{%- endmacro %}

{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
  {{ return(adapter.dispatch('test_accepted_range', 'dbt_utils')(model, column_name, min_value, max_value, inclusive)) }}
{% endtest %}
{% macro default__test_accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) -%}
with meet_condition as (
  select * from {{ model }}
),
validation_errors as (
  select *
  from meet_condition
  where 1 = 2
  {%- if min_value is not none %}
    or not {{ column_name }} >{{ '=' if inclusive }} {{ min_value }}
  {%- endif %}
  {%- if max_value is not none %}
    or not {{ column_name }} <{{ '=' if inclusive }} {{ max_value }}
  {%- endif %}
)
select * from validation_errors
{%- endmacro %}

{% test unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}
  {{ return(adapter.dispatch('test_unique_combination_of_columns', 'dbt_utils')(model, combination_of_columns, quote_columns)) }}
{% endtest %}
{% macro default__test_unique_combination_of_columns(model, combination_of_columns, quote_columns=false) -%}
{%- if quote_columns -%}
  {%- set column_list = [] -%}
  {%- for column in combination_of_columns -%}{%- do column_list.append(adapter.quote(column)) -%}{%- endfor -%}
{%- else -%}
  {%- set column_list = combination_of_columns -%}
{%- endif -%}
{%- set columns_csv = column_list | join(', ') -%}
with validation_errors as (
    select {{ columns_csv }}
    from {{ model }}
    group by {{ columns_csv }}
    having count(*) > 1
)
select * from validation_errors
{%- endmacro %}

{% test equality(model, compare_model, compare_columns=None, exclude_columns=None, precision=None) %}
  {{ return(adapter.dispatch('test_equality', 'dbt_utils')(model, compare_model, compare_columns, exclude_columns, precision)) }}
{% endtest %}
{% macro default__test_equality(model, compare_model, compare_columns=None, exclude_columns=None, precision=None) -%}
{%- if not compare_columns -%}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- do dbt_utils._is_ephemeral(model, 'test_equality') -%}
  {%- set excluded = (exclude_columns or []) | map('lower') | list -%}
  {%- set compare_columns = [] -%}
  {%- for col in adapter.get_columns_in_relation(model) -%}
    {%- if col.column | lower not in excluded -%}{%- do compare_columns.append(adapter.quote(col.column)) -%}{%- endif -%}
  {%- endfor -%}
{%- endif -%}
{%- if precision is not none -%}
  {%- set rounded = [] -%}
  {%- for c in compare_columns -%}{%- do rounded.append('round(cast(' ~ c ~ ' as ' ~ dbt.type_numeric() ~ '), ' ~ precision ~ ') as ' ~ c) -%}{%- endfor -%}
  {%- set select_cols = rounded | join(', ') -%}
{%- else -%}
  {%- set select_cols = compare_columns | join(', ') -%}
{%- endif -%}
with a as (
    select * from {{ model }}
),
b as (
    select * from {{ compare_model }}
),
a_minus_b as (
    select {{ select_cols }} from a
    {{ dbt.except() }}
    select {{ select_cols }} from b
),
b_minus_a as (
    select {{ select_cols }} from b
    {{ dbt.except() }}
    select {{ select_cols }} from a
),
unioned as (
    select 'a_minus_b' as which_diff, a_minus_b.* from a_minus_b
    union all
    select 'b_minus_a' as which_diff, b_minus_a.* from b_minus_a
)
select * from unioned
{%- endmacro %}

{% test recency(model, field, datepart, interval, ignore_time_component=False, group_by_columns=[]) %}
  {{ return(adapter.dispatch('test_recency', 'dbt_utils')(model, field, datepart, interval, ignore_time_component, group_by_columns)) }}
{% endtest %}
{% macro default__test_recency(model, field, datepart, interval, ignore_time_component, group_by_columns) -%}
{%- set threshold = 'cast(' ~ dbt.dateadd(datepart, interval * -1, dbt.current_timestamp()) ~ ' as ' ~ ('date' if ignore_time_component else dbt.type_timestamp()) ~ ')' -%}
{%- if group_by_columns | length > 0 -%}
  {%- set select_gb_cols = group_by_columns | join(', ') ~ ', ' -%}
  {%- set groupby_gb_cols = 'group by ' ~ group_by_columns | join(', ') -%}
{%- else -%}
  {%- set select_gb_cols = '' -%}
  {%- set groupby_gb_cols = '' -%}
{%- endif -%}
with recency as (
    select
      {{ select_gb_cols }}
      {% if ignore_time_component -%}
      cast(max({{ field }}) as date) as most_recent
      {%- else -%}
      max({{ field }}) as most_recent
      {%- endif %}
    from {{ model }}
    {{ groupby_gb_cols }}
)
select
    {{ select_gb_cols }}
    most_recent,
    {{ threshold }} as threshold
from recency
where most_recent < {{ threshold }}
{%- endmacro %}

{% test not_null_proportion(model, column_name, at_least, at_most=1.0, group_by_columns=[]) %}
  {{ return(adapter.dispatch('test_not_null_proportion', 'dbt_utils')(model, column_name, at_least, at_most, group_by_columns)) }}
{% endtest %}
{% macro default__test_not_null_proportion(model, column_name, at_least, at_most, group_by_columns) -%}
{%- if group_by_columns | length > 0 -%}
  {%- set select_gb_cols = group_by_columns | join(', ') ~ ', ' -%}
  {%- set groupby_gb_cols = 'group by ' ~ group_by_columns | join(', ') -%}
{%- else -%}
  {%- set select_gb_cols = '' -%}
  {%- set groupby_gb_cols = '' -%}
{%- endif -%}
with validation as (
    select
      {{ select_gb_cols }}
      sum(case when {{ column_name }} is null then 0 else 1 end) / cast(count(*) as {{ dbt.type_numeric() }}) as not_null_proportion
    from {{ model }}
    {{ groupby_gb_cols }}
),
validation_errors as (
    select
      {{ select_gb_cols }}
      not_null_proportion
    from validation
    where not_null_proportion < {{ at_least }} or not_null_proportion > {{ at_most }}
)
select * from validation_errors
{%- endmacro %}
`;

/**
 * dbt_utils 0.x names projects still call: the cross-database macros (moved to dbt in 1.0, here
 * forwarding to dbt.*) and surrogate_key (0.x semantics: nulls become '').
 */
const LEGACY = `
{% macro dateadd(datepart, interval, from_date_or_timestamp) -%}{{ return(dbt.dateadd(datepart, interval, from_date_or_timestamp)) }}{%- endmacro %}
{% macro datediff(first_date, second_date, datepart) -%}{{ return(dbt.datediff(first_date, second_date, datepart)) }}{%- endmacro %}
{% macro date_trunc(datepart, date) -%}{{ return(dbt.date_trunc(datepart, date)) }}{%- endmacro %}
{% macro last_day(date, datepart) -%}{{ return(dbt.last_day(date, datepart)) }}{%- endmacro %}
{% macro hash(field) -%}{{ return(dbt.hash(field)) }}{%- endmacro %}
{% macro concat(fields) -%}{{ return(dbt.concat(fields)) }}{%- endmacro %}
{% macro type_string() -%}{{ return(dbt.type_string()) }}{%- endmacro %}
{% macro type_timestamp() -%}{{ return(dbt.type_timestamp()) }}{%- endmacro %}
{% macro type_int() -%}{{ return(dbt.type_int()) }}{%- endmacro %}
{% macro type_bigint() -%}{{ return(dbt.type_bigint()) }}{%- endmacro %}
{% macro type_float() -%}{{ return(dbt.type_float()) }}{%- endmacro %}
{% macro type_numeric() -%}{{ return(dbt.type_numeric()) }}{%- endmacro %}
{% macro safe_cast(field, type) -%}{{ return(dbt.safe_cast(field, type)) }}{%- endmacro %}
{% macro split_part(string_text, delimiter_text, part_number) -%}{{ return(dbt.split_part(string_text, delimiter_text, part_number)) }}{%- endmacro %}
{% macro escape_single_quotes(expression) -%}{{ return(dbt.escape_single_quotes(expression)) }}{%- endmacro %}
{% macro string_literal(value) -%}{{ return(dbt.string_literal(value)) }}{%- endmacro %}
{% macro except() -%}{{ return(dbt.except()) }}{%- endmacro %}
{% macro intersect() -%}{{ return(dbt.intersect()) }}{%- endmacro %}
{% macro current_timestamp() -%}{{ return(dbt.current_timestamp()) }}{%- endmacro %}
{% macro listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) -%}{{ return(dbt.listagg(measure, delimiter_text, order_by_clause, limit_num)) }}{%- endmacro %}
{% macro any_value(expression) -%}{{ return(dbt.any_value(expression)) }}{%- endmacro %}
{% macro bool_or(expression) -%}{{ return(dbt.bool_or(expression)) }}{%- endmacro %}
{% macro cast_bool_to_text(field) -%}{{ return(dbt.cast_bool_to_text(field)) }}{%- endmacro %}
{% macro position(substring_text, string_text) -%}{{ return(dbt.position(substring_text, string_text)) }}{%- endmacro %}
{% macro replace(field, old_chars, new_chars) -%}{{ return(dbt.replace(field, old_chars, new_chars)) }}{%- endmacro %}
{% macro right(string_text, length_expression) -%}{{ return(dbt.right(string_text, length_expression)) }}{%- endmacro %}
{% macro length(expression) -%}{{ return(dbt.length(expression)) }}{%- endmacro %}
{% macro surrogate_key(field_list) -%}
  {%- set fields = [] -%}
  {%- for field in (([field_list] + varargs) if field_list is string else field_list) -%}
    {%- do fields.append("coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- if not loop.last -%}{%- do fields.append("'-'") -%}{%- endif -%}
  {%- endfor -%}
  {{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}
`;

export const DBT_UTILS_MACRO_FILES: Record<string, string> = {
  'tsdbt/macros/dbt_utils/helpers.sql': HELPERS,
  'tsdbt/macros/dbt_utils/macros.sql': MACROS,
  'tsdbt/macros/dbt_utils/tests.sql': TESTS,
  'tsdbt/macros/dbt_utils/legacy.sql': LEGACY,
};
