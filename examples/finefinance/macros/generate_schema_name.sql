{#- Custom schemas are used as written (staging, snapshots, marts), as many dbt projects do,
    instead of dbt's default <target.schema>_<custom>. Nodes without one land in target.schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
