{# Monthly price of each plan tier, in dollars. #}
{% macro plan_price(plan_column) -%}
  case {{ plan_column }}
    {%- for plan, price in {'basic': 15.99, 'pro': 19.99, 'premium': 29.99} | dictsort %}
    when '{{ plan }}' then {{ price }}
    {%- endfor %}
  end
{%- endmacro %}
