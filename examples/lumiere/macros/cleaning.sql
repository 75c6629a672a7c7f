{#- Parsers for the dirty text columns of the bronze seeds. Each returns one SQL expression. -#}

{#- "$19.99", "19.99", 19.99, "-$19.99", "0", "" → DECIMAL(12,2) (NULL when empty or not a number). -#}
{% macro parse_money(column) -%}
try_cast(replace(replace(trim({{ column }}), '$', ''), ',', '') as decimal(12, 2))
{%- endmacro %}

{#- ISO 8601 with Z, SQL style, US style without seconds, or Unix epoch seconds → TIMESTAMP (UTC).
    Dispatches on the shape of the text: a single cheap parse per value. Trying every format in turn
    (try_strptime with a list) gives the same result and is ten times slower on 1.5M rows. -#}
{% macro parse_timestamp(column) -%}
case
        when trim({{ column }}) like '%/%' then try_strptime(trim({{ column }}), '%m/%d/%Y %H:%M')
        when trim({{ column }}) like '%-%' then try_cast(trim({{ column }}) as timestamp)
        else make_timestamp(try_cast(trim({{ column }}) as bigint) * 1000000)
    end
{%- endmacro %}

{#- 2024-03-05, 03/05/2024 or 05-Mar-2024 → DATE. -#}
{% macro parse_date(column) -%}
case
        when trim({{ column }}) like '%/%' then try_strptime(trim({{ column }}), '%m/%d/%Y')::date
        when regexp_full_match(trim({{ column }}), '[0-9]{1,2}-[A-Za-z]{3}-[0-9]{4}') then try_strptime(trim({{ column }}), '%d-%b-%Y')::date
        else try_cast(trim({{ column }}) as date)
    end
{%- endmacro %}

{#- "Stripe Inc.", "stripe_v2", "Pay Pal" → stripeinc, stripev2, paypal: the key of seeds/gateway_aliases.csv. -#}
{% macro alias_key(column) -%}
regexp_replace(lower({{ column }}), '[^a-z0-9]', '', 'g')
{%- endmacro %}

{#- `column in ('a', 'b')` from a list var. -#}
{% macro in_list(column, values) -%}
{{ column }} in ({% for v in values %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}
